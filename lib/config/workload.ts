/**
 * Schema pieces for the settings of workloads, shared by stacks (demoapp, service): quantities,
 * resources, probes (lib/config/probe.ts, exported here too), names, autoscaling and where pods are placed
 * (node selector, tolerations), with the words their messages use.
 */
import type { PathProblem } from '../errors.js';
import { ARCH_LABEL, architectureConflict } from '../model/labels.js';
import { carelessAmount, carelessResources, requestAboveLimitText, requestsAboveLimits } from '../model/quantity.js';
import { EVICTING_EFFECT, tolerationProblems } from '../model/tolerations.js';
import {
  Count,
  DNS_SUBDOMAIN_PATTERN,
  DnsLabel,
  LABEL_VALUE_PATTERN,
  Mapping,
  POSITIVE_QUANTITY_PATTERN,
  QUANTITY_SETTING_PATTERN,
  QualifiedKey,
  Settings,
  StringEnum,
  Type,
  type Static,
} from './types.js';

export { PortName, Probe, probesProblems, type ProbeSettings, type ProbedPorts } from './probe.js';

/** A Kubernetes quantity such as `250m`, `512Mi` or `2Gi` (the articles' `2Gib` is not one). */
export const Quantity = (description: string) =>
  Type.String({
    pattern: QUANTITY_SETTING_PATTERN,
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
      'ephemeral-storage': Type.Optional(
        Size(
          `Local disk ${what} (writable layer, logs, emptyDirs such as /tmp), e.g. 1Gi; the kubelet evicts a pod above its limit. @default - none`,
          '1Gi',
        ),
      ),
    }),
  );

export const Resources = (who: string) =>
  Type.Optional(
    Settings({ requests: CpuMemory('reserved'), limits: CpuMemory('at most') }, { description: `Resources of ${who}. @default - none` }),
  );

/** The value of a `Resources` setting. */
export type ResourcesSettings = Static<ReturnType<typeof Resources>>;

/**
 * More pods than this is no app's by intent: Kubernetes is tested to 150,000 pods in a cluster, at
 * most 110 a node, so a thousand of one app is a cluster of its own, and a number past it lost a
 * decimal point or was a port.
 */
export const MOST_LIKELY_REPLICAS = 1000;

/** The replicas settings of a Deployment: a number of pods, or the bounds an autoscaler keeps it within. */
export interface ReplicasSettings {
  readonly replicas?: number;
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number };
}

/**
 * Warnings of a Deployment's number of pods that the schema takes and are surely not meant, at the
 * setting (paths from the app's settings): more than MOST_LIKELY_REPLICAS at `replicas`; and 0 while
 * something sends the app traffic (`routed`, e.g. 'its Ingress'), which then answers every request
 * with an error: it has no pod (a stopped app is one without that route). With `autoscaling` the
 * Deployment has no spec.replicas, so `replicas` says nothing of the pods (the stack refuses one
 * outside the bounds): the bounds are what the autoscaler runs, each warned of above
 * MOST_LIKELY_REPLICAS at its line (`maxReplicas: 100000`, a lost decimal point, is scaled to under load).
 */
export function replicasProblems(s: ReplicasSettings, routed?: string): PathProblem[] {
  const many = (path: readonly string[], pods: number, what: string): PathProblem => ({
    code: 'config/replicas',
    severity: 'warning',
    path: [...path],
    message: `is ${pods} pods, more than any one app is likely to run (Kubernetes is tested to 150,000 pods in a cluster, 110 a node): ${what}`,
    hint: `write the number of pods meant, at most ${MOST_LIKELY_REPLICAS} unless the cluster was built for more`,
  });
  const a = s.autoscaling;
  if (a)
    return [
      ...(a.minReplicas > MOST_LIKELY_REPLICAS
        ? [many(['autoscaling', 'minReplicas'], a.minReplicas, 'the autoscaler would keep them all, under no load too')]
        : []),
      ...(a.maxReplicas > MOST_LIKELY_REPLICAS
        ? [many(['autoscaling', 'maxReplicas'], a.maxReplicas, 'the autoscaler would scale to them all under load')]
        : []),
    ];
  const replicas = s.replicas;
  if (replicas === undefined) return [];
  if (replicas > MOST_LIKELY_REPLICAS) return [many(['replicas'], replicas, 'the scheduler would try to place them all')];
  if (replicas === 0 && routed)
    return [
      {
        code: 'config/replicas',
        severity: 'warning',
        path: ['replicas'],
        message: `is 0: the app runs no pods, and ${routed} still sends it requests, each answered with an error (503 from an ingress controller)`,
        hint: `give it 1 or more; to stop the app on purpose, remove ${routed} too`,
      },
    ];
  return [];
}

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

export const LabelValue = (description: string) =>
  Type.String({
    pattern: LABEL_VALUE_PATTERN,
    expected: "a label value (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)",
    description,
  });

/** When the node pulls a workload's image. */
export const ImagePullPolicy = (description: string) => Type.Optional(StringEnum(['IfNotPresent', 'Always'], { description }));

/**
 * The PriorityClass of a workload's pods, by name (a DNS-1123 subdomain, as the API server wants
 * it). The class is cluster-scoped, made outside the stage; the API server refuses a pod whose class
 * does not exist.
 */
export const PriorityClassName = (who: string) =>
  Type.Optional(
    Type.String({
      pattern: DNS_SUBDOMAIN_PATTERN,
      maxLength: 253,
      expected: "a PriorityClass name (a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters)",
      description: `The PriorityClass of ${who} (made by the cluster's admins, e.g. high-priority; the scheduler preempts lower-priority pods for them). @default - the cluster's default class, if any`,
    }),
  );

/** The PriorityClasses every cluster has for its own components (kube-system's), which outrank any class admins make. */
export const SYSTEM_PRIORITY_CLASSES: readonly string[] = ['system-cluster-critical', 'system-node-critical'];

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

/** What `maxSkew` is when a spread constraint leaves it out: the scheduler keeps the domains within one pod of each other. */
export const DEFAULT_MAX_SKEW = 1;

/**
 * How a workload's pods spread over nodes or zones (the pod's `topologySpreadConstraints`), as the
 * API server takes them. There is no `labelSelector`: the stack writes the pods' own selector (each
 * blue/green color's own), since a constraint that counts other pods spreads nothing of the app's.
 */
export const TopologySpread = (who: string) =>
  Type.Optional(
    Type.Array(
      Settings(
        {
          topologyKey: QualifiedKey('a node label key such as topology.kubernetes.io/zone or kubernetes.io/hostname'),
          maxSkew: Type.Optional(
            Count(1, {
              description: `Most pods one domain (a zone, a node) may have above the domain with fewest. @default ${DEFAULT_MAX_SKEW}`,
            }),
          ),
          whenUnsatisfiable: StringEnum(['DoNotSchedule', 'ScheduleAnyway'], {
            description:
              'DoNotSchedule: a pod that would break maxSkew stays Pending; ScheduleAnyway: the scheduler prefers the domains with fewest pods, and schedules it anyway.',
          }),
        },
        {
          unknownKeyHints: {
            labelSelector:
              "remove it: a constraint counts the app's own pods (each blue/green color's own), and stagecraft writes their selector",
          },
        },
      ),
      {
        minItems: 1,
        description: `How ${who} spread over the domains of a node label, e.g. [{ topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway }] (each zone gets its share, replicas above 1); the constraint counts the app's own pods. @default - none: the scheduler places them as it likes, possibly all on one node`,
      },
    ),
  );

/** The weight of a preferred anti-affinity that gives none: the strongest preference. */
export const DEFAULT_ANTI_AFFINITY_WEIGHT = 100;

/** The node label keys a pod anti-affinity keeps the app's pods apart on. */
const TopologyKey = () => QualifiedKey('a node label key such as kubernetes.io/hostname or topology.kubernetes.io/zone');

/**
 * Which domains (nodes, zones) a workload's pods keep apart on (the pod's `affinity.podAntiAffinity`
 * against the app's own pods): `required` is a rule the scheduler never breaks (a pod with no free
 * domain stays Pending), `preferred` one it weighs. As for spread constraints, there is no
 * `labelSelector`: the stack writes the pods' own selector.
 */
export const PodAntiAffinity = (who: string) =>
  Type.Optional(
    Settings(
      {
        required: Type.Optional(
          Type.Array(TopologyKey(), {
            minItems: 1,
            uniqueItems: true,
            description:
              "Node labels on whose values no two pods of the app share, e.g. [kubernetes.io/hostname]: one pod per node (more pods than nodes stay Pending, a rolling update's extra pod too). @default - none",
          }),
        ),
        preferred: Type.Optional(
          Type.Array(
            Settings({
              topologyKey: TopologyKey(),
              weight: Type.Optional(
                Type.Integer({
                  minimum: 1,
                  maximum: 100,
                  description: `Weight among the scheduler's preferences, 1-100. @default ${DEFAULT_ANTI_AFFINITY_WEIGHT}`,
                }),
              ),
            }),
            {
              minItems: 1,
              description:
                'Node labels on whose values the scheduler prefers the pods apart, e.g. [{ topologyKey: topology.kubernetes.io/zone }]. @default - none',
            },
          ),
        ),
      },
      {
        description: `Keeps ${who} apart from each other (the app's own pods, each blue/green color's own) on nodes or zones. @default - none`,
        unknownKeyHints: {
          requiredDuringSchedulingIgnoredDuringExecution:
            'write required: [<topologyKey>]; stagecraft writes the terms and their labelSelector',
          preferredDuringSchedulingIgnoredDuringExecution:
            'write preferred: [{ topologyKey, weight }]; stagecraft writes the terms and their labelSelector',
        },
      },
    ),
  );

/** The settings that place a workload's pods. */
export interface PlacementSettings {
  readonly priorityClassName?: string;
  readonly nodeSelector?: Static<ReturnType<typeof NodeSelector>>;
  readonly tolerations?: Static<ReturnType<typeof Tolerations>>;
  readonly topologySpreadConstraints?: Static<ReturnType<typeof TopologySpread>>;
  readonly podAntiAffinity?: Static<ReturnType<typeof PodAntiAffinity>>;
}

/**
 * The problems of a workload's `nodeSelector` and `tolerations` (relative to the app's settings),
 * each at its setting: a node selector for another architecture than the stage's (no node of the
 * stage's would take the pods, and the image may not run there), and what the API server refuses
 * in a toleration (lib/model/tolerations.ts), two spread constraints on one topologyKey and
 * whenUnsatisfiable, and (a warning) a system PriorityClass outside kube-system.
 */
export function placementProblems(
  s: PlacementSettings,
  stage: { readonly name: string; readonly namespace: string; readonly architecture: string },
): PathProblem[] {
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
  if (s.priorityClassName !== undefined && SYSTEM_PRIORITY_CLASSES.includes(s.priorityClassName) && stage.namespace !== 'kube-system')
    problems.push({
      code: 'config/conflict',
      severity: 'warning',
      path: ['priorityClassName'],
      // any namespace may use them since Kubernetes 1.17; a cluster that keeps them to kube-system does it with a quota
      message: `is ${s.priorityClassName}, a class for the cluster's own components: a cluster may keep it to kube-system with a ResourceQuota scoped to the PriorityClass, and then refuses the pods in ${stage.namespace} (GKE does: "insufficient quota to match these scopes: [{PriorityClass In [system-node-critical system-cluster-critical]}]"); elsewhere the pods outrank every app's and, when the nodes are full, preempt lower-priority pods: the other apps`,
      hint: `use a PriorityClass the cluster's admins made for apps, such as high-priority (value at most 1000000000), or leave priorityClassName out; if the app needs this class, give namespace ${stage.namespace} a ResourceQuota with scopeSelector: { matchExpressions: [{ scopeName: PriorityClass, operator: In, values: [${s.priorityClassName}] }] }`,
    });
  (s.tolerations ?? []).forEach((t, i) => {
    for (const p of tolerationProblems(t)) {
      problems.push({ code: 'config/conflict', path: ['tolerations', i, p.field], message: p.message, hint: p.hint });
    }
  });
  const anti = s.podAntiAffinity;
  if (anti && anti.required === undefined && anti.preferred === undefined)
    problems.push({
      code: 'config/missing',
      path: ['podAntiAffinity'],
      message: 'needs required or preferred (found neither): it keeps the pods apart on nothing',
      hint: 'e.g. podAntiAffinity: { preferred: [{ topologyKey: kubernetes.io/hostname }] }, or remove it',
    });
  // the API server refuses two constraints on one topologyKey with one whenUnsatisfiable (a Duplicate value)
  const spread = new Map<string, number>();
  (s.topologySpreadConstraints ?? []).forEach((c, i) => {
    const pair = `${c.topologyKey} ${c.whenUnsatisfiable}`;
    const first = spread.get(pair);
    if (first === undefined) spread.set(pair, i);
    else
      problems.push({
        code: 'config/conflict',
        path: ['topologySpreadConstraints', i, 'topologyKey'],
        message: `is ${c.topologyKey} with whenUnsatisfiable ${c.whenUnsatisfiable}, as topologySpreadConstraints[${first}] is: the API server refuses two constraints on one topologyKey and whenUnsatisfiable`,
        hint: 'remove one, or give it the other whenUnsatisfiable',
      });
  });
  return problems;
}
