/**
 * The delivery tree: `dist/delivery/<engine>/`, the objects a GitOps engine needs to apply each
 * stage (applied to the cluster the engine runs in by `kubectl apply --prune` after each change,
 * never synced by the engine itself), with a kustomization and an inventory like a stage's. Pure.
 */
import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';
import type { Problem } from '../errors.js';
import { describeObject, type KubeObject } from '../model/object.js';
import {
  EXISTING_NAMESPACES,
  INVENTORY_FILE,
  inventoryEntry,
  keyParts,
  objectLines,
  parseInventory,
  type InventoryEntry,
} from '../synth/inventory.js';
import { deleteByName } from '../synth/delete-commands.js';
import { KUSTOMIZATION_FILE } from '../synth/output.js';
import { serializeObjects } from '../synth/rendered.js';
import { toYaml, withHeader } from '../synth/serialize.js';
import { MANAGED_BY } from '../transforms/labels.js';
import { ARGOCD_NAMESPACE, appProject, application } from './argocd.js';
import { FLUX_NAMESPACE, gitRepositories, kustomization } from './flux.js';
import type { DeliveryPlan } from './plan.js';
import { compareCodePoints } from '../model/order.js';
import { ENGINES, type Engine, engineName } from '../model/engines.js';
import { DIST_DIR, generatedLine } from '../synth/disk.js';
import { allowlistEntry } from '../model/kinds.js';
import { DELIVERY_LABEL } from './delivery-plan.js';

/** The directory below `dist/` that holds the delivery objects (so no stage may be named so). */
export const DELIVERY_DIR = 'delivery';

// in delivery-plan.ts, which the planner's modules read without importing this one
export { DELIVERY_LABEL };

/**
 * The kinds of each engine's delivery objects, as `--prune-allowlist` takes them: the kinds `deliveryObjects` makes,
 * the one its stages share first, then the one made per stage (`deliveryDeleteCommands` deletes in the reverse order).
 */
const DELIVERY_KINDS: Record<Engine, readonly string[]> = {
  argocd: [allowlistEntry('argoproj.io/v1alpha1', 'AppProject'), allowlistEntry('argoproj.io/v1alpha1', 'Application')],
  flux: [allowlistEntry('source.toolkit.fluxcd.io/v1', 'GitRepository'), allowlistEntry('kustomize.toolkit.fluxcd.io/v1', 'Kustomization')],
};

/**
 * The command that applies an engine's delivery objects and deletes those that no stage has any
 * more (a stage's Application or Kustomization once the stage is removed or delivered otherwise, a
 * GitRepository no stage follows): `kubectl apply --prune` selecting them by their labels, for
 * their kinds only. kubectl prunes only objects it applied (with its last-applied annotation).
 */
export function deliveryApplyCommand(engine: Engine, project: string): string {
  return [
    `kubectl apply -k ${DIST_DIR}/${DELIVERY_DIR}/${engine} --prune -l ${DELIVERY_LABEL}=${project},app.kubernetes.io/managed-by=${MANAGED_BY}`,
    ...DELIVERY_KINDS[engine].map((k) => `--prune-allowlist=${k}`),
  ].join(' ');
}

/**
 * The project an engine's inventory `text` was written for: the value of the label its apply
 * command prunes by (`deliveryApplyCommand`), undefined in an inventory without one.
 */
export function deliveryProjectOf(text: string): string | undefined {
  return new RegExp(`--prune -l ${DELIVERY_LABEL.replace(/[.]/g, '\\.')}=([^,\\s]+)`).exec(text)?.[1];
}

/**
 * The commands that delete the objects of an engine's inventory `text` (its `dist/delivery/<engine>/`
 * as it was) from the cluster it runs in, by name: what is left there once the engine delivers no
 * stage any more, since its directory, and with it the apply command that would prune them, is gone.
 * The objects that apply a stage (Applications, Kustomizations) go first, then what they share.
 * @param kept the keys of objects that the engine's directory still holds, which are left out
 */
export function deliveryDeleteCommands(engine: Engine, text: string, kept: ReadonlySet<string> = new Set()): string[] {
  const rank = (key: string) => {
    const { apiVersion, kind } = keyParts(key);
    return -DELIVERY_KINDS[engine].indexOf(allowlistEntry(apiVersion, kind));
  };
  return deleteByName([...parseInventory(text).keys()].filter((k) => !kept.has(k)).sort((a, b) => rank(a) - rank(b)));
}

/** The objects of one engine, by file name in its directory. */
export function deliveryObjects(engine: Engine, plans: readonly DeliveryPlan[]): Map<string, KubeObject[]> {
  const { project } = plans[0];
  const labels = { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/part-of': project, [DELIVERY_LABEL]: project };
  const files = new Map<string, KubeObject[]>();
  const asObject = (o: object) => o as KubeObject;
  if (engine === 'argocd') {
    files.set(`00-${plans[0].project}.yaml`, [asObject(appProject(plans, labels))]);
    for (const p of plans) files.set(`10-${p.stage}.yaml`, [asObject(application(p, labels))]);
  } else {
    files.set(`00-${plans[0].project}.yaml`, gitRepositories(plans, labels).map(asObject));
    for (const p of plans) files.set(`10-${p.stage}.yaml`, [asObject(kustomization(p, labels))]);
  }
  return files;
}

/**
 * The kustomization of an engine's directory: its `header` comment line (the second line of the
 * directory's inventory, which starts with the same one), then the files of its objects, in order.
 */
export const deliveryKustomization = (header: string, resources: readonly string[]): string =>
  `${header}\n${toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources })}`;

const MODELS: Record<string, { new (data: never): { validate(): void } }> = {
  'argoproj.io/v1alpha1/AppProject': AppProject,
  'argoproj.io/v1alpha1/Application': Application,
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': Kustomization,
  'source.toolkit.fluxcd.io/v1/GitRepository': GitRepository,
};

/** An ajv message of a model, with its fields as dotted paths (`data/spec/url must` -> `spec.url must`). */
const fieldPaths = (message: string) =>
  message.replace(/\bdata((?:\/[^\s/]+)*)/g, (_, path: string) => (path ? path.slice(1).split('/').join('.') : 'the object'));

/**
 * Each object against the engine's published schema (the typed models on npm), as problems. The
 * settings the objects come from are checked before (lib/delivery/plan.ts), so a problem here is
 * a setting those checks let through.
 */
function validateDeliveryObjects(objects: readonly KubeObject[], source: string): Problem[] {
  return objects.flatMap((o) => {
    const Model = MODELS[`${o.apiVersion}/${o.kind}`];
    try {
      if (Model) new Model(o as never).validate();
      return [];
    } catch (e) {
      return [
        {
          code: 'delivery/schema',
          subject: describeObject(o),
          message: fieldPaths(String(e instanceof Error ? e.message : e)),
          hint: `check the delivery settings it is made from (${source} and the stages' delivery:), and report that stagecraft accepted them`,
        },
      ];
    }
  });
}

/**
 * The files of `dist/delivery/`: per engine that delivers a stage, its objects, a kustomization and
 * an inventory; and what the engines' schemas say of the objects (no files when they refuse one).
 */
export function deliveryFiles(
  plans: readonly DeliveryPlan[],
  provenance: { compilerVersion: string; source: string; sourceDigest: string },
): { files: Map<string, string>; problems: Problem[] } {
  const tree = new Map<string, string>();
  const problems: Problem[] = [];
  const header = generatedLine(`the stage files' delivery: settings and ${provenance.source}`);
  for (const engine of ENGINES) {
    const mine = plans.filter((p) => p.engine === engine);
    if (mine.length === 0) continue;
    const entries: InventoryEntry[] = [];
    const files = deliveryObjects(engine, mine);
    problems.push(...validateDeliveryObjects([...files.values()].flat(), provenance.source));
    for (const [file, objects] of files) {
      const { stream, digests } = serializeObjects(objects);
      objects.forEach((o, i) => {
        entries.push(inventoryEntry(o, digests[i]));
      });
      tree.set(
        `${engine}/${file}`,
        withHeader(
          stream,
          `${header}\nApply to the cluster ${engineName(engine)} runs in after every change, with the command in ${DIST_DIR}/${DELIVERY_DIR}/${engine}/${INVENTORY_FILE} (it deletes what no stage delivers any more)`,
        ),
      );
    }
    tree.set(`${engine}/${KUSTOMIZATION_FILE}`, deliveryKustomization(`# ${header}`, [...files.keys()].sort()));
    tree.set(
      `${engine}/${INVENTORY_FILE}`,
      [
        `# Inventory of the ${engineName(engine)} delivery objects: every object in this directory with a digest of its content.`,
        `# ${header}`,
        `# Apply and delete what no stage delivers any more: ${deliveryApplyCommand(engine, mine[0].project)}`,
        `compiler: ${MANAGED_BY} ${provenance.compilerVersion}`,
        `source: ${provenance.source} ${provenance.sourceDigest}`,
        // where the engine runs: the checks of `npm run check -- dist` take this namespace as existing
        `${EXISTING_NAMESPACES}: ${engine === 'argocd' ? ARGOCD_NAMESPACE : FLUX_NAMESPACE}`,
        ...objectLines(entries),
      ].join('\n') + '\n',
    );
  }
  return { files: problems.length ? new Map() : new Map([...tree.entries()].sort(([a], [b]) => compareCodePoints(a, b))), problems };
}
