/**
 * Rendering node files: what stacks put on nodes beside their charts (static Pod manifests for a
 * kubelet's `--pod-manifest-path`, kubeconfigs). Static pods get the transforms that apply to
 * node files (labels, not the stage namespace); lib/checks/ checks them against what the kubelet
 * accepts.
 * Pure: nothing is read or written.
 */
import { ApiObject } from 'cdk8s';
import { ProblemsError, type Problem } from '../errors.js';
import type { NodeDocument, NodeFile, StageContext } from '../stack.js';
import { transform, type ChartContext } from '../transforms/index.js';
import type { KubeObject } from '../model/object.js';
import { compareCodePoints } from '../model/order.js';

export interface RenderedNodeFile {
  /** Host name of the node: the directory `nodes/<node>/`. */
  readonly node: string;
  /** File name in the node's directory. */
  readonly file: string;
  /** The app instance that wrote it. */
  readonly app: string;
  /** A static Pod after the transforms, or a document written as the stack gave it. */
  readonly document: KubeObject | NodeDocument;
}

/** The node files one app instance returned, with the context its static pods are transformed in. */
export interface AppNodeFiles {
  readonly context: ChartContext;
  readonly files: readonly NodeFile[];
}

/** A node file name: one plain YAML file, no directories. */
const FILE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\.yaml$/;

/** The node files of a stage, sorted by node and file, with every problem found in them. */
export function renderNodeFiles(
  files: readonly AppNodeFiles[],
  stage: StageContext,
  source: string,
): { nodeFiles: RenderedNodeFile[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const nodes = new Set(stage.nodes.map((n) => n.name));
  const seen = new Map<string, string>();
  const nodeFiles: RenderedNodeFile[] = [];
  for (const { context, files: list } of files) {
    const app = context.instance;
    for (const { node, file, content } of list) {
      const where = `nodes/${node}/${file}`;
      const fail = (code: string, message: string, hint: string) =>
        problems.push({ code, subject: `${source}: apps.${app}`, message, hint });
      if (!nodes.has(node)) {
        fail('node-files/unknown-node', `writes ${where}, but the stage has no node '${node}'`, `add '${node}' under nodes: in ${source}`);
        continue;
      }
      if (!FILE_NAME.test(file)) {
        fail('node-files/file-name', `node file name '${file}' must be a lowercase name ending in .yaml`, 'name node files like etcd.yaml');
        continue;
      }
      const other = seen.get(where);
      if (other !== undefined) {
        fail(
          'node-files/duplicate',
          `writes ${where}, which apps.${other} writes too`,
          'give one of the apps another name, so that its files are named after it',
        );
        continue;
      }
      seen.set(where, app);
      if (!(content instanceof ApiObject)) {
        nodeFiles.push({ node, file, app, document: content });
        continue;
      }
      // every static pod is transformed even after one is refused, so that all their problems are reported at once
      try {
        const [pod] = transform([content.toJson() as KubeObject], context, { nodeFiles: true });
        nodeFiles.push({ node, file, app, document: pod });
      } catch (e) {
        if (!(e instanceof ProblemsError)) throw e;
        problems.push(...e.problems);
      }
    }
  }
  nodeFiles.sort((a, b) => compareCodePoints(a.node, b.node) || compareCodePoints(a.file, b.file));
  return { nodeFiles, problems };
}
