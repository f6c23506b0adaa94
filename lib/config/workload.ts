/**
 * Schema pieces for the settings of workloads, shared by stacks (demoapp, service): quantities,
 * resources, probes, names, autoscaling and where pods are placed (node selector, tolerations), with
 * the words their messages use.
 */
import type { PathProblem } from '../errors.js';
import { ARCH_LABEL, architectureConflict } from '../model/labels.js';
import { carelessAmount, carelessResources, requestAboveLimitText, requestsAboveLimits } from '../model/quantity.js';
import { EVICTING_EFFECT, tolerationProblems } from '../model/tolerations.js';
import {
  Count,
  DnsLabel,
  LABEL_VALUE_PATTERN,
  Mapping,
  POSITIVE_QUANTITY_PATTERN,
  PortNumber,
  QualifiedKey,
  Settings,
  StringEnum,
  Type,
  type Static,
} from './types.js';

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

const LabelValue = (description: string) =>
  Type.String({
    pattern: LABEL_VALUE_PATTERN,
    expected: "a label value (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)",
    description,
  });

/** The node labels a workload's pods are placed by (the pod's `nodeSelector`). */
export const NodeSelector = (who: string) =>
  Type.Optional(
    Mapping(QualifiedKey('a node label key such as node.kubernetes.io/instance-type'), LabelValue('The value the node label must have.'), {
      description: `Node labels ${who} run on only, e.g. { workload: batch } (a node pool); the stage's architecture (${ARCH_LABEL}) is added by stagecraft. @default - any node`,
    }),
  );

/** The taints a workload's pods tolerate (the pod's `tolerations`), as Kubernetes writes them. */
export const Tolerations = (who: string) =>
  Type.Optional(
    Type.Array(
      Settings({
        key: Type.Optional(QualifiedKey('a taint key such as dedicated')),
        operator: Type.Optional(
          StringEnum(['Equal', 'Exists'], {
            description: 'Equal: the taint has value; Exists: any value (and, without key, any taint). @default Equal',
          }),
        ),
        value: Type.Optional(LabelValue('The taint value tolerated (operator Equal). @default - empty')),
        effect: Type.Optional(
          StringEnum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], {
            description: 'The taint effect tolerated. @default - every effect',
          }),
        ),
        tolerationSeconds: Type.Optional(
          Count(0, {
            description: `Seconds a pod stays on a node once it is tainted (effect ${EVICTING_EFFECT} only). @default - for as long as the taint stays`,
          }),
        ),
      }),
      {
        minItems: 1,
        description: `Taints of nodes ${who} may run on, e.g. [{ key: dedicated, value: batch, effect: NoSchedule }] (tolerating a taint does not place the pods there: nodeSelector does). @default - none`,
      },
    ),
  );

/** The settings that place a workload's pods. */
export interface PlacementSettings {
  readonly nodeSelector?: Static<ReturnType<typeof NodeSelector>>;
  readonly tolerations?: Static<ReturnType<typeof Tolerations>>;
}

/**
 * The problems of a workload's `nodeSelector` and `tolerations` (relative to the app's settings),
 * each at its setting: a node selector for another architecture than the stage's (no node of the
 * stage's would take the pods, and the image may not run there), and what the API server refuses
 * in a toleration (lib/model/tolerations.ts).
 */
export function placementProblems(s: PlacementSettings, stage: { readonly name: string; readonly architecture: string }): PathProblem[] {
  const arch = s.nodeSelector?.[ARCH_LABEL];
  const conflict = arch !== undefined && arch !== stage.architecture ? architectureConflict(arch, stage, 'it') : undefined;
  const problems: PathProblem[] = conflict
    ? [
        {
          code: 'images/architecture-conflict',
          path: ['nodeSelector', ARCH_LABEL],
          message: `is '${arch}', ${conflict.reason}`,
          hint: conflict.hint,
        },
      ]
    : [];
  (s.tolerations ?? []).forEach((t, i) => {
    for (const p of tolerationProblems(t)) {
      problems.push({ code: 'config/conflict', path: ['tolerations', i, p.field], message: p.message, hint: p.hint });
    }
  });
  return problems;
}
