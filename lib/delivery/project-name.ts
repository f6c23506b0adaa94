/**
 * The project's name (`delivery.project`), which names its delivery objects (the AppProject or GitRepository
 * `<project>`, the Applications or Kustomizations `<project>-<stage>`) and the label its apply command prunes by
 * (`stagecraft.dev/delivery=<project>`), where another project delivered by the same engine would have them too.
 * Pure: lib/delivery/plan.ts places what these say at the project file's setting.
 */
import type { ProjectFile } from '../config/delivery.js';
import { DEFAULT_PROJECT, DELIVERY_LABEL, stageObjectName } from './delivery-plan.js';

/** The AppProject Argo CD makes itself and puts every Application that names no other project in, permitting any source and destination. */
const ARGOCD_DEFAULT_PROJECT = 'default';

/**
 * Why `project` may not be `default` where Argo CD delivers a stage (an engine of `plans`): dist/delivery/argocd's
 * AppProject of that name would be applied over Argo CD's own. Undefined otherwise (Flux's GitRepository `default` is
 * the project's alone).
 */
export function argoCdDefaultProject(
  project: string | undefined,
  plans: readonly { readonly engine: string }[],
  projectSource: string,
): { message: string; hint: string } | undefined {
  if (project !== ARGOCD_DEFAULT_PROJECT || !plans.some((p) => p.engine === 'argocd')) return undefined;
  return {
    message:
      `Argo CD has an AppProject named ${ARGOCD_DEFAULT_PROJECT} of its own, which every Application that names no other project is in and which permits any repository and cluster: ` +
      `dist/delivery/argocd's AppProject ${ARGOCD_DEFAULT_PROJECT} would replace it, and confine those Applications, another team's too, to this project's repository and clusters (their syncs then refused)`,
    hint: `name the project another way in ${projectSource} (delivery: { project: <name> }), one no other project delivered by this Argo CD has`,
  };
}

/**
 * Why a project CI copies into a deploy repository at a path (`copied: true`) should be named: that repository holds
 * other projects' dist/ at their paths, and projects that name none are all DEFAULT_PROJECT, whose delivery objects
 * are one (README: two projects delivered by one Argo CD or Flux). Undefined when it is named, or copied to no path.
 */
export function unnamedInDeployRepository(
  delivery: NonNullable<ProjectFile['delivery']>,
  projectSource: string,
): { message: string; hint: string } | undefined {
  const path = delivery.repository?.copied === true ? delivery.repository.path : undefined;
  if (path === undefined || delivery.project !== undefined) return undefined;
  return {
    message:
      `a deploy repository CI copies dist/ into at a path (${path}) holds other projects at theirs, and every project that names none is '${DEFAULT_PROJECT}': ` +
      `their AppProject (or GitRepository) is one object, their Applications (or Kustomizations) ${stageObjectName(DEFAULT_PROJECT, '<stage>')} meet, ` +
      `and the apply command of each, which prunes by the label ${DELIVERY_LABEL}=${DEFAULT_PROJECT}, prunes the others' Applications (or Kustomizations)`,
    hint: `name this project before its first apply: delivery: { project: <name> } in ${projectSource}, a name no other project delivered by the same engine has`,
  };
}
