/**
 * The problems of the ports and health checks of a service's containers, the app container's and
 * each sidecar's, each at its setting: the pod has one network, so a port number (per protocol)
 * and a port name are the pod's once; a probe has one handler and reaches a port its container has.
 */
import type { SettingsProblem } from '../../lib/stack.js';
import { resourcesProblems } from '../../lib/config/workload.js';
import { formatFieldPath as dotted } from '../../lib/model/field-path.js';
import type { ServiceSettings } from './settings.js';

type Path = (string | number)[];
type Ports = Readonly<Record<string, { readonly port: number; readonly protocol?: 'TCP' | 'UDP' }>>;

/** The ports of the pod's containers with the settings that declare them: `ports.<name>`, then `sidecars[i].ports.<name>`. */
function podPorts(s: Pick<ServiceSettings, 'ports' | 'sidecars'>): { path: Path; name: string; port: number; protocol: string }[] {
  const of = (ports: Ports | undefined, at: Path) =>
    Object.entries(ports ?? {}).map(([name, p]) => ({ path: [...at, name], name, port: p.port, protocol: p.protocol ?? 'TCP' }));
  return [of(s.ports, ['ports']), ...(s.sidecars ?? []).map((c, i) => of(c.ports, ['sidecars', i, 'ports']))].flat();
}

/**
 * Each port number (per protocol) and each port name once in the pod: its containers share one
 * network, so two that listen on one port cannot both start, and the Service, which exposes every
 * container's ports, takes each name and each number and protocol once.
 */
export function podPortProblems(s: Pick<ServiceSettings, 'ports' | 'sidecars'>): SettingsProblem[] {
  const numbers = new Map<string, Path>();
  const names = new Map<string, Path>();
  const problems: SettingsProblem[] = [];
  for (const p of podPorts(s)) {
    const key = `${p.port}/${p.protocol}`;
    const first = numbers.get(key);
    if (first === undefined) numbers.set(key, p.path);
    else
      problems.push({
        code: 'config/conflict',
        path: [...p.path, 'port'],
        message: `is ${p.port} (${p.protocol}), as ${dotted(first)}.port is: ${
          dotted(first.slice(0, -1)) === dotted(p.path.slice(0, -1))
            ? 'the container and its Service take each port number once per protocol'
            : 'the containers of a pod share one network, and its Service takes each port number once per protocol'
        }`,
        hint: `give ${dotted(p.path)} a port of its own, or remove it and use ${dotted(first)}`,
      });
    const named = names.get(p.name);
    if (named === undefined) names.set(p.name, p.path);
    else if (first === undefined)
      problems.push({
        code: 'config/conflict',
        path: p.path,
        message: `is named as ${dotted(named)} is: the Service exposes the ports of every container by name, each name once`,
        hint: 'give the port another name',
      });
  }
  return problems;
}

type Probes = NonNullable<ServiceSettings['probes']>;

/**
 * The health checks of a container (`at`: `probes`, or `sidecars[i].probes`): exactly one handler
 * each, and an HTTP or TCP check on a port the container has (`ports`, its port names), by name or
 * by default its first.
 */
export function probeProblems(probes: Probes | undefined, ports: readonly string[], at: Path): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const where = dotted([...at.slice(0, -1), 'ports']);
  for (const [which, probe] of Object.entries(probes ?? {})) {
    if (!probe) continue;
    const handlers = (['http', 'tcp', 'command'] as const).filter((h) => probe[h] !== undefined);
    if (handlers.length !== 1) {
      problems.push({
        code: 'config/conflict',
        path: [...at, which],
        message: `needs exactly one of http, tcp and command (found ${handlers.length ? handlers.join(' and ') : 'none'})`,
        hint: 'e.g. `http: { path: /healthz }`, or `tcp: { port: <port> }` for a service that does not speak HTTP',
      });
      continue;
    }
    const check = probe.http ? 'http' : probe.tcp ? 'tcp' : undefined;
    const port = probe.http?.port ?? probe.tcp?.port;
    if (check && port === undefined && ports.length === 0) {
      problems.push({
        code: 'config/conflict',
        path: [...at, which, check],
        message: 'needs a port (there are no ports to default to)',
        hint: `add port, or declare ${where}`,
      });
    } else if (check && typeof port === 'string' && !ports.includes(port)) {
      problems.push({
        code: 'config/unknown-port',
        path: [...at, which, check, 'port'],
        message: `is not one of ${where} (${ports.join(', ') || 'none'})`,
        hint: `name a port under ${where}, or give its number`,
      });
    }
  }
  return problems;
}

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
    ...probeProblems(c.probes, Object.keys(c.ports ?? {}), ['sidecars', i, 'probes']),
    ...resourcesProblems(c.resources, ['sidecars', i, 'resources']),
    ...sidecarCpuProblem(s, c, i),
  ]);
}
