/**
 * The transforms, once, in the order they run over each chart's synthesized objects. A transform
 * is a pure pass `(objects, context) => objects`: it may refuse what it cannot transform (an image
 * it cannot map), but checks of what the objects say live in `lib/checks/`.
 */
import type { StageContext } from '../stack.js';
import type { KubeObject } from '../model/object.js';
import { ProblemsError, type Problem } from '../errors.js';
import { setNamespace } from './namespace.js';
import { addStandardLabels } from './labels.js';
import { substituteImages } from './images.js';
import { selectArchitecture } from './arch-selector.js';
import { secretStoreWaves } from './sync-waves.js';
import type { Engine, SecretStore } from '../config/delivery.js';

export interface ChartContext {
  readonly stage: StageContext;
  /** The stack the chart is an instance of. */
  readonly stack: string;
  /** The chart's instance name (its key under `apps:`). */
  readonly instance: string;
  /** The chart's release. */
  readonly version: string;
  /** The engine that delivers the stage. @default - none: not delivered */
  readonly engine?: Engine;
  /** The store the stage's Secrets come from (`secretStore:`). @default - none */
  readonly secretStore?: SecretStore;
  /** Whether the chart's pod templates are a team's own, which get no standard labels nor architecture (`Stack.podTemplatesAsWritten`). @default false */
  readonly podTemplatesAsWritten?: boolean;
}

export interface Transform {
  readonly name: string;
  readonly run: (objects: readonly KubeObject[], context: ChartContext) => KubeObject[];
  /**
   * Whether the transform also runs over static Pods written as node files.
   * @default true
   */
  readonly nodeFiles?: boolean;
}

export const TRANSFORMS: readonly Transform[] = [
  // static pods keep the namespace they are given (kube-system, default): they are not the stage's objects
  {
    name: 'namespace',
    nodeFiles: false,
    run: (objects, c) => setNamespace(objects, { namespace: c.stage.namespace, clusterScopedKinds: c.stage.clusterScopedKinds }),
  },
  {
    name: 'labels',
    run: (objects, c) =>
      addStandardLabels(
        objects,
        { stage: c.stage.name, app: c.stack, instance: c.instance, version: c.version, partOf: c.stage.partOf },
        { podTemplates: !c.podTemplatesAsWritten },
      ),
  },
  {
    name: 'images',
    run: (objects, c) => substituteImages(objects, { architecture: c.stage.architecture, stage: c.stage.images, stageName: c.stage.name }),
  },
  // static pods run on the node whose manifest directory holds them: no scheduler to steer. A
  // team's own template is pinned too off amd64, where its images are the architecture's (the
  // images transform may have swapped them): on a mixed cluster an unpinned pod would start an ARM
  // image on an amd64 node (exec format error)
  {
    name: 'arch-selector',
    nodeFiles: false,
    run: (objects, c) =>
      selectArchitecture(objects, {
        architecture: c.stage.architecture,
        stageName: c.stage.name,
        pin: !c.podTemplatesAsWritten || c.stage.architecture !== 'amd64',
      }),
  },
  // after namespace, which places the store in the stage's namespace; node files are applied by no engine
  {
    name: 'sync-waves',
    nodeFiles: false,
    run: (objects, c) => secretStoreWaves(objects, { namespace: c.stage.namespace, engine: c.engine, secretStore: c.secretStore }),
  },
];

/**
 * Runs every transform, in order (for node files, those that apply to them). A transform that
 * refuses the objects passes them on as it was given them, so that the ones after it still say
 * what they refuse: every problem of the app at once, each about a field naming the app.
 * @throws ProblemsError with the problems of every transform that refused
 */
export function transform(objects: readonly KubeObject[], context: ChartContext, { nodeFiles = false } = {}): KubeObject[] {
  const problems: Problem[] = [];
  let out = [...objects];
  for (const t of TRANSFORMS) {
    if (nodeFiles && !(t.nodeFiles ?? true)) continue;
    try {
      out = t.run(out, context);
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      problems.push(...e.problems.map((p) => (p.field ? { ...p, field: { ...p.field, app: context.instance } } : p)));
    }
  }
  if (problems.length) throw new ProblemsError(problems);
  return out;
}
