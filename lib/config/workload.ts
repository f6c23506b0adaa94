/**
 * Schema pieces for the settings of workloads, shared by stacks (demoapp, service): quantities,
 * resources, probes, names and autoscaling, with the words their messages use.
 */
import type { PathProblem } from '../errors.js';
import { carelessAmount, carelessResources, requestAboveLimitText, requestsAboveLimits } from '../model/quantity.js';
import { Count, DnsLabel, POSITIVE_QUANTITY_PATTERN, PortNumber, Settings, Type, type Static } from './types.js';

/** A Kubernetes quantity such as `250m`, `512Mi` or `2Gi` (the articles' `2Gib` is not one). */
export const Quantity = (description: string) =>
  Type.String({
    pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$',
    expected: 'a Kubernetes quantity such as 250m, 512Mi or 2Gi',
    description,
  });

/** A storage size: a quantity above zero, as a claim's request and a volume's capacity must be. */
export const Size = (description: string, example = '2Gi') =>
  Type.String({ pattern: POSITIVE_QUANTITY_PATTERN, expected: `a Kubernetes quantity above zero such as ${example}`, description });

export const Name = (description: string) => DnsLabel({ expected: "a DNS-1123 label (lowercase letters, digits and '-')", description });

export const CpuMemory = (what: string) =>
  Type.Optional(
    Settings({
      cpu: Type.Optional(Quantity(`CPU ${what}, e.g. 250m. @default - none`)),
      memory: Type.Optional(Quantity(`Memory ${what}, e.g. 512Mi. @default - none`)),
    }),
  );

export const Resources = (who: string) =>
  Type.Optional(
    Settings({ requests: CpuMemory('reserved'), limits: CpuMemory('at most') }, { description: `Resources of ${who}. @default - none` }),
  );

/** The value of a `Resources` setting. */
export type ResourcesSettings = Static<ReturnType<typeof Resources>>;

/**
 * The problems of a `Resources` setting at `at` (relative to the app's settings, as a stack's refine
 * step gives paths), each placed at its quantity's line and column: a request above its limit, which
 * the API server refuses (an error), and warnings for the cpu and memory quantities that are valid
 * but surely a mistake of units (`carelessResources`, lib/model/quantity.ts: memory 512m, memory 512,
 * cpu 500), with the quantity probably meant.
 */
export function resourcesProblems(resources: ResourcesSettings | undefined, at: readonly (string | number)[]): PathProblem[] {
  return [
    ...requestsAboveLimits(resources).map(({ resource, request, limit }) => ({
      code: 'api/requests-above-limits',
      path: [...at, 'requests', resource],
      message: `is ${String(request)}, above its limit ${String(limit)} (the API server refuses the container)`,
      hint: requestAboveLimitText({ resource, request, limit }).hint,
    })),
    ...carelessResources(resources).map(({ side, resource, value, careless }) => ({
      code: careless.code,
      severity: 'warning' as const,
      path: [...at, side, resource],
      message: `is ${String(value)}, ${carelessAmount(careless)}`,
      hint: careless.hint,
    })),
  ];
}

export const Probe = (what: string) =>
  Type.Optional(
    Settings(
      {
        http: Type.Optional(
          Settings(
            {
              path: Type.String({ pattern: '^/', expected: "a path starting with '/'", description: 'Path of the HTTP GET.' }),
              port: Type.Optional(PortNumber({ description: "Port of the HTTP GET. @default - the app's port" })),
            },
            { description: 'Check with an HTTP GET (2xx or 3xx is healthy). @default - none: then command' },
          ),
        ),
        command: Type.Optional(
          Type.Array(Type.String(), { minItems: 1, description: 'Check with a command (exit 0 is healthy). @default - none: then http' }),
        ),
        initialDelaySeconds: Type.Optional(Count(0, { description: 'Seconds before the first check. @default 0' })),
        periodSeconds: Type.Optional(Count(1, { description: 'Seconds between checks. @default 10' })),
        timeoutSeconds: Type.Optional(Count(1, { description: 'Seconds a check may take. @default 1' })),
        failureThreshold: Type.Optional(Count(1, { description: 'Failed checks in a row that count as a failure. @default 3' })),
      },
      { description: what },
    ),
  );

/** A HorizontalPodAutoscaler on CPU, `description` saying what it needs and what the default is. */
export const Autoscaling = (description: string) =>
  Type.Optional(
    Settings(
      {
        minReplicas: Count(1, { description: 'Fewest pods.' }),
        maxReplicas: Count(1, { description: 'Most pods.' }),
        cpuUtilization: Type.Optional(
          Type.Integer({ minimum: 1, maximum: 100, description: 'Target average CPU use, % of the request. @default 70' }),
        ),
      },
      { description },
    ),
  );
