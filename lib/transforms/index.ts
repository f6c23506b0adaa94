/**
 * The transforms, once, in the order they run over each chart's synthesized objects.
 */
import type { StageContext } from '../stack.js';
import type { KubeObject } from './object.js';
import { setNamespace } from './namespace.js';
import { addStandardLabels } from './labels.js';
import { substituteImages } from './images.js';
import { selectArchitecture } from './arch-selector.js';
import { checkHostPorts } from './host-ports.js';

export interface ChartContext {
  readonly stage: StageContext;
  /** The stack the chart is an instance of. */
  readonly stack: string;
  /** The chart's instance name (its key under `apps:`). */
  readonly instance: string;
  /** The chart's release. */
  readonly version: string;
}

export interface Transform {
  readonly name: string;
  readonly run: (objects: readonly KubeObject[], context: ChartContext) => KubeObject[];
}

export const TRANSFORMS: readonly Transform[] = [
  { name: 'namespace', run: (objects, c) => setNamespace(objects, { namespace: c.stage.namespace }) },
  {
    name: 'labels',
    run: (objects, c) =>
      addStandardLabels(objects, { stage: c.stage.name, app: c.stack, instance: c.instance, version: c.version, partOf: c.stage.partOf }),
  },
  {
    name: 'images',
    run: (objects, c) => substituteImages(objects, { architecture: c.stage.architecture, stage: c.stage.images, stageName: c.stage.name }),
  },
  { name: 'arch-selector', run: (objects, c) => selectArchitecture(objects, { architecture: c.stage.architecture, stageName: c.stage.name }) },
  { name: 'host-ports', run: (objects, c) => checkHostPorts(objects, { architecture: c.stage.architecture, stageName: c.stage.name }) },
];

/** Runs every transform, in order. */
export function transform(objects: readonly KubeObject[], context: ChartContext): KubeObject[] {
  return TRANSFORMS.reduce<KubeObject[]>((objs, t) => t.run(objs, context), [...objects]);
}
