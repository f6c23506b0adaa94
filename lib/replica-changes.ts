/**
 * What a synthesis does to the number of pods of a workload, beside its fields (lib/output-changes.ts
 * compares the output and calls these): a `spec.replicas` no longer written or written as null,
 * which `kubectl apply` removes (the API server sets 1), and an autoscaler that leaves while its
 * workload writes no number of its own, which then stays at what the autoscaler left, or at 1.
 */
import type { LoadedStage } from './config/load.js';
import type { Problem } from './errors.js';
import type { Engine } from './model/engines.js';
import type { includedPlaces } from './checks/manifests.js';
import { SCALED_KINDS, autoscaledTarget, dropLastAppliedReplicas, scaleTargetKey } from './model/kinds.js';
import { describeObject, isRecord, kubectlTarget, type KubeObject, ownEntry } from './model/object.js';
import { placeOf } from './setting-places.js';
import { chartHeads, chartScaleTargets } from './synth/app-summary.js';
import type { RenderedChart } from './synth/rendered.js';

/**
 * How to keep a server-side apply that no longer writes `spec.replicas` (Flux's) from removing it: a
 * second field manager takes a share of the field, at the value it has, which changes no pod count,
 * so that the applier's dropping it leaves it to the autoscaler (Kubernetes docs, "Server-Side
 * Apply", transferring ownership). kubectl's last-applied configuration, which the client-side
 * remedy edits, is not what Flux reads. The value sent is the old output's: when the live count
 * differs, another manager (the autoscaler's, kubectl scale's) changed it and owns the field, so
 * the apply reports a conflict, and Flux's dropping the field removes nothing: forcing the
 * conflict would set the pods back to the old count.
 */
function handOverReplicas(o: KubeObject, replicas: number, to = 'the autoscaler'): string {
  const partial = JSON.stringify({
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: o.metadata.name, namespace: o.metadata.namespace },
    spec: { replicas },
  });
  return (
    `hand the field over to ${to}, which changes no pod count: echo '${partial}' | kubectl apply --server-side --field-manager=handover-to-hpa --validate=false -f - ` +
    `(a conflict there means that ${to === 'the autoscaler' ? "the autoscaler's" : 'another'} manager owns the field already: push as usual, and do not force it, which would set the pods back to ${replicas})`
  );
}

/**
 * What removes a `spec.replicas` no longer written, by who applies the stage: kubectl's client-side
 * apply and Argo CD's sync (a client-side apply too, with kubectl's last-applied configuration,
 * as stagecraft's Applications set no ServerSideApply=true) remove what they applied before; Flux's
 * server-side apply, what it owns. Argo CD syncs as soon as the commit is pushed: the remedy comes
 * before the push.
 */
const REMOVED_BY: Readonly<Record<Engine | 'kubectl', string>> = {
  kubectl: 'kubectl apply removes it',
  argocd: "Argo CD's sync (a client-side kubectl apply) removes it",
  flux: "Flux's server-side apply removes it (while it owns the field)",
};

/**
 * The autoscaler among `objects` that scales the workload `kind` `name` in namespace `ns`: a HorizontalPodAutoscaler,
 * or a KEDA ScaledObject, whose HorizontalPodAutoscaler KEDA makes (`autoscaledTarget`), as refs/autoscaled-replicas
 * takes them.
 */
function autoscalerOf(objects: readonly KubeObject[], kind: string, name: string, ns: unknown): KubeObject | undefined {
  return objects.find((o) => {
    if (o.metadata?.namespace !== ns) return false;
    const target = autoscaledTarget(o);
    return target?.kind === kind && target.name === name;
  });
}

/**
 * The number of pods a workload that writes none keeps once `autoscaler` leaves: the one it last set; of a KEDA
 * ScaledObject with `advanced.restoreToOriginalReplicaCount`, the one it had before, which KEDA sets back as the
 * ScaledObject is deleted; of one whose minReplicaCount is 0 (KEDA's default), or whose idleReplicaCount is, 0 if its triggers were idle.
 */
function keptCount(autoscaler: KubeObject): string {
  const spec = isRecord(autoscaler.spec) ? autoscaler.spec : {};
  if (autoscaler.kind !== 'ScaledObject') return 'the number of pods the autoscaler last set';
  if (isRecord(spec.advanced) && spec.advanced.restoreToOriginalReplicaCount === true)
    return 'the number of pods it had before the ScaledObject scaled it, which KEDA sets back as it deletes the ScaledObject (advanced.restoreToOriginalReplicaCount)';
  // KEDA scales an idle workload to idleReplicaCount (0, the one value it takes) when given, else to minReplicaCount
  const idle = spec.idleReplicaCount === 0 ? 'idleReplicaCount' : (spec.minReplicaCount ?? 0) === 0 ? 'minReplicaCount' : undefined;
  return `the number of pods KEDA last set${idle ? ` (0 when it had scaled it to zero, as a ScaledObject whose ${idle} is 0 does while its triggers are idle: no pod, and none started)` : ''}`;
}

/**
 * A workload that had `spec.replicas` in the output and has none now (an app given `autoscaling:`,
 * whose Deployment the HPA scales): client-side `kubectl apply` removes the field it applied before,
 * and the API server sets the default, 1, so the workload drops to one pod until an autoscaler
 * scales it up again (Kubernetes docs, "Migrating Deployments and StatefulSets to horizontal
 * autoscaling"). A `spec.replicas: null` now (an included manifest's, as a Helm template renders a
 * value left empty) is sent by kubectl apply to remove the field, at every apply: it drops the same
 * way from a number, and from what an autoscaler of the old output had scaled it to; while an
 * autoscaler scales it still, refs/autoscaled-replicas says so at every synth, with the fix (the
 * one-time remedy here, editing the last-applied configuration, would not hold). Placed at the app's
 * `autoscaling` setting when it has one.
 */
export function replicasReset(
  loaded: LoadedStage,
  old: KubeObject,
  now: KubeObject,
  objects: () => readonly KubeObject[],
  oldObjects: readonly KubeObject[],
  app: string | undefined,
  included: ReturnType<typeof includedPlaces>,
  engine?: Engine,
): Problem | undefined {
  const was = isRecord(old.spec) ? old.spec.replicas : undefined;
  const after = isRecord(now.spec) ? now.spec.replicas : undefined;
  const before = typeof was === 'number' ? was : undefined;
  // a number applied before and left out now, or a null now (that was not before): the apply removes the field
  if (after === null ? was === null : after !== undefined || before === undefined) return undefined;
  const autoscalerIn = (objects: readonly KubeObject[]) =>
    autoscalerOf(objects, now.kind, String(now.metadata.name), now.metadata.namespace);
  // (read from the files of the old output that were read, which hold the workload's: its app's autoscaler is beside it)
  const scaled = autoscalerIn(oldObjects);
  // 1 is the default, unless an autoscaler scaled it beyond: then it drops from that number
  if ((before ?? 1) === 1 && !scaled) return undefined;
  const autoscaler = autoscalerIn(objects());
  if (after === null && autoscaler) return undefined;
  const code = 'output/replicas-reset';
  const message =
    (after === null
      ? `spec.replicas${before === undefined ? ' is now null' : ` changes from ${before} to null`}, which kubectl apply sends to remove the field, and the API server sets the default, 1: `
      : `spec.replicas: ${before} is no longer written, so ${ownEntry(REMOVED_BY, engine ?? 'kubectl')} and the API server sets the default, 1: `) +
    (scaled
      ? `the ${now.kind} drops to 1 pod from the number ${describeObject(scaled)} scaled it to`
      : `the ${now.kind} goes from ${before} pods to 1`) +
    (autoscaler ? `${scaled ? ',' : ''} until ${describeObject(autoscaler)} scales it up again` : '');
  const hint =
    after === null
      ? `write ${before === undefined ? 'the number of pods in spec.replicas' : `spec.replicas: ${before} again`} where it is null (a Helm template renders a value left empty as null): every apply of the null sets the ${now.kind} to 1 pod again`
      : autoscaler
        ? engine === 'flux'
          ? `before pushing, ${handOverReplicas(now, before!)}; then push as usual`
          : engine === 'argocd'
            ? `before pushing, ${dropLastAppliedReplicas(now)}; then push as usual`
            : `before applying, ${dropLastAppliedReplicas(now)}; then apply as usual (with server-side apply, hand the field over to the autoscaler instead)`
        : `write spec.replicas: ${before} again; or, if something else sets the number of pods, first ${engine === 'flux' ? handOverReplicas(now, before!, 'what sets it') : dropLastAppliedReplicas(now)}`;
  const instance = loaded.apps.find((a) => a.name === app);
  const setting =
    instance && isRecord(instance.settings) && 'autoscaling' in instance.settings ? ['apps', instance.name, 'autoscaling'] : undefined;
  const location =
    (setting && loaded.locate(setting)) ??
    included({ code, severity: 'warning', message, object: now, path: ['spec', 'replicas'] }) ??
    placeOf(loaded, app, undefined).location;
  return location
    ? { code, severity: 'warning', location, message: `${describeObject(now)}: ${message}`, hint }
    : { code, severity: 'warning', subject: describeObject(now), message, hint };
}

/**
 * A workload whose autoscaler leaves the output (`gone`, the autoscalers as the old output had them)
 * while no other scales it and it writes no number of pods: with `spec.replicas: null` (an included
 * manifest's, as a Helm template renders a value left empty), every `kubectl apply` removes the
 * field and the API server sets the default, 1, which nothing scales up any more; with none, the
 * apply leaves the field alone, and the workload keeps the number the autoscaler last set, which
 * nothing changes any more. The workload itself may not have changed, so replicasReset does not see
 * it (one it `warned` about is left to it). Placed at the null (or the workload's name) in an
 * included manifest, else at the app.
 */
export function autoscalersLeaving(
  loaded: LoadedStage,
  gone: readonly KubeObject[],
  charts: readonly RenderedChart[],
  included: ReturnType<typeof includedPlaces>,
  warned: (workload: KubeObject) => boolean,
): Problem[] {
  const problems: Problem[] = [];
  // only the charts that hold a workload the leaving autoscalers scaled, or an autoscaler of one, are
  // read whole (an app from the render cache is known by its heads and its autoscalers' targets)
  const targets = new Set(gone.map((h) => scaleTargetKey(h.metadata?.namespace, autoscaledTarget(h))));
  const objects = charts
    .filter(
      (c) =>
        chartHeads(c).some((o) => targets.has(scaleTargetKey(o.metadata.namespace, { kind: o.kind, name: o.metadata.name }))) ||
        chartScaleTargets(c).some((t) => targets.has(t)),
    )
    .flatMap((c) => c.objects.map((object) => ({ object, app: c.name })));
  for (const hpa of gone) {
    const target = autoscaledTarget(hpa);
    const ns = hpa.metadata?.namespace;
    const found = objects.find(
      ({ object: o }) =>
        o.kind === target?.kind && o.metadata?.name === target?.name && o.metadata?.namespace === ns && SCALED_KINDS.includes(o.kind),
    );
    if (!found || !isRecord(found.object.spec)) continue;
    const now = found.object;
    const replicas = (now.spec as Record<string, unknown>).replicas;
    if ((replicas !== null && replicas !== undefined) || warned(now)) continue;
    if (
      autoscalerOf(
        objects.map((o) => o.object),
        now.kind,
        String(now.metadata.name),
        ns,
      )
    )
      continue;
    const code = 'output/autoscaler-leaves';
    const message =
      replicas === null
        ? `${describeObject(hpa)} leaves while spec.replicas is null, which kubectl apply sends to remove the field, and the API server sets the default, 1: ` +
          `the ${now.kind} drops to 1 pod from the number the autoscaler scaled it to, and nothing scales it up again`
        : `${describeObject(hpa)} leaves and the ${now.kind} writes no spec.replicas, which kubectl apply then leaves alone: ` +
          `it keeps ${keptCount(hpa)}, which nothing changes any more`;
    const hint =
      replicas === null
        ? 'write the number of pods in spec.replicas where it is null (a Helm template renders a value left empty as null), or keep the autoscaler'
        : `write the number of pods in spec.replicas, or keep the autoscaler; kubectl get ${kubectlTarget(now)} shows the number it has now`;
    const path = replicas === null ? ['spec', 'replicas'] : ['metadata', 'name'];
    const location = included({ code, severity: 'warning', message, object: now, path }) ?? placeOf(loaded, found.app, undefined).location;
    problems.push(
      location
        ? { code, severity: 'warning', location, message: `${describeObject(now)}: ${message}`, hint }
        : { code, severity: 'warning', subject: describeObject(now), message, hint },
    );
  }
  return problems;
}
