/**
 * The problems of a service's sidecars' own settings, each at its setting: their health checks
 * (`probesProblems`, lib/config/workload.ts), their resources, and, with autoscaling, a CPU request.
 */
import type { SettingsProblem } from '../../lib/stack.js';
import { probesProblems, resourcesProblems } from '../../lib/config/workload.js';
import type { ServiceSettings } from './settings.js';

type Sidecar = NonNullable<ServiceSettings['sidecars']>[number];

/**
 * With autoscaling, a sidecar's CPU request (given, or its CPU limit, which Kubernetes takes as the
 * request): the HorizontalPodAutoscaler measures a pod's CPU against the sum of its containers'
 * requests, and with one container lacking it computes nothing ("missing request for cpu in
 * container proxy"), so the app never scales.
 */
function sidecarCpuProblem(s: Pick<ServiceSettings, 'autoscaling'>, c: Sidecar, i: number): SettingsProblem[] {
  if (!s.autoscaling || c.resources?.requests?.cpu !== undefined || c.resources?.limits?.cpu !== undefined) return [];
  return [
    {
      code: 'config/conflict',
      path: c.resources === undefined ? ['sidecars', i] : ['sidecars', i, 'resources'],
      message: `needs requests.cpu, as autoscaling does: the HorizontalPodAutoscaler measures CPU against the requests of every container of the pod, and with sidecar '${c.name}' lacking one it computes nothing (missing request for cpu in container ${c.name}), so the app never scales`,
      hint: 'give the sidecar resources: { requests: { cpu: 50m } } (what it uses at rest), or a limits.cpu, which is then its request too',
    },
  ];
}

/** The problems of each sidecar's own settings: its health checks and its resources (a CPU request, with autoscaling). */
export function sidecarProblems(s: Pick<ServiceSettings, 'sidecars' | 'autoscaling'>): SettingsProblem[] {
  return (s.sidecars ?? []).flatMap((c, i) => [
    ...probesProblems(c.probes, ['sidecars', i, 'probes'], { names: Object.keys(c.ports ?? {}), at: ['sidecars', i, 'ports'] }),
    ...resourcesProblems(c.resources, ['sidecars', i, 'resources']),
    ...sidecarCpuProblem(s, c, i),
  ]);
}
