/**
 * The problems of the ports and health checks of a service's containers, the app container's and
 * each sidecar's, each at its setting: the pod has one network, so a port number (per protocol)
 * and a port name are the pod's once. (Their health checks are the shared `Probe`s, checked by
 * `probesProblems` of lib/config/workload.ts.)
 */
import type { SettingsProblem } from '../../lib/stack.js';
import { formatFieldPath as dotted } from '../../lib/model/field-path.js';
import { podPortsOf, type ServiceSettings } from './settings.js';

type Path = (string | number)[];

/**
 * Each port number (per protocol) and each port name once in the pod: its containers share one
 * network, so two that listen on one port cannot both start, and the Service, which exposes every
 * container's ports, takes each name and each number and protocol once.
 */
export function podPortProblems(s: Pick<ServiceSettings, 'ports' | 'sidecars'>): SettingsProblem[] {
  const numbers = new Map<string, Path>();
  const names = new Map<string, Path>();
  const problems: SettingsProblem[] = [];
  for (const { path, name, port } of podPortsOf(s)) {
    const p = { path, name, port: port.port, protocol: port.protocol ?? 'TCP' };
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
