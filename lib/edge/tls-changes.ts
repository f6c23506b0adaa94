/**
 * A backend taking traffic whose servers go over to TLS, or back to plain HTTP, between two haproxy.cfg texts (before and
 * after): for npm run diff, switch and promote (changes.ts `edgeChangeLines`), beside what a node port moved costs. Pure.
 */
import { readHaproxyConfig } from './haproxy-read.js';

/**
 * What a backend taking traffic (hosts go to it before or after) costs when its servers are sent the traffic over TLS now and
 * were not, or the other way round (its pods' probes say HTTPS now, haproxy-backend.ts): HAProxy sends all of a backend's
 * traffic one way, so from the kubectl apply that rolls its pods over until the new haproxy.cfg is reloaded on every edge
 * machine, the requests sent to pods that speak the other way fail; no order of the two avoids it, as the pods of a rollout
 * are of both kinds for a while. An idle color's backend takes none.
 */
export function tlsChangeLines(before: string, after: string): string[] {
  const [old, now] = [readHaproxyConfig(before), readHaproxyConfig(after)];
  const was = new Map(old.backends.map((b) => [b.name, b]));
  return now.backends.flatMap((b) => {
    const w = was.get(b.name);
    const hosts = [...new Set([...old.routes, ...now.routes].filter((r) => r.backend === b.name).map((r) => r.host))];
    if (!w || w.tls === b.tls || hosts.length === 0) return [];
    const [to, from] = b.tls ? ['over TLS', 'in plain HTTP'] : ['in plain HTTP', 'over TLS'];
    return [
      `! ${b.service} is sent its traffic ${to}, no longer ${from}, while backend ${b.name} takes traffic (${hosts.join(', ')}): ` +
        `HAProxy sends all of a backend's traffic one way, so from the kubectl apply that rolls its pods over until the new haproxy.cfg is reloaded on every edge machine, the requests it sends to pods that answer the other way fail; ` +
        'apply, wait for the rollout (kubectl rollout status), then reload haproxy on every edge machine at once, in a quiet moment',
    ];
  });
}
