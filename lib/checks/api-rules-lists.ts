/**
 * The API server's keyed lists of a pod spec and a Service, and how applies merge them
 * (api-rules.ts calls these): an item whose key repeats an earlier item's (`unique`: each key of a
 * list is a rule of its own), an environment variable named twice (`envRepeats`: server-side apply
 * refuses it), ports of one number and two protocols (`sharedPortNumbers`: client-side apply merges
 * them by number alone), and which of these a workload's lists are held to (`listMerge`). Pure.
 */
import type { Engine } from '../model/engines.js';
import { LIST_KEY_DEFAULTS } from '../model/list-keys.js';
import type { KubeObject } from '../model/object.js';
import { isBuiltInWorkload } from '../model/pod-specs.js';
import { finder, type Emit, type FieldPath, type Finding } from './finding.js';

/**
 * Reports items of `list` whose key (several fields joined; a field left out has its Kubernetes
 * default, `protocol` TCP) repeats an earlier item's. The calls below are the API server's keyed
 * lists: each key of a list is a rule of its own (a container's ports are unique by number and
 * protocol, and by name), at its place in the kind (init and app containers share one namespace
 * of names). They are not LIST_KEYS (lib/model/list-keys.ts), which says how `npm run diff`
 * matches an item in two versions of an object: by the first of its keys that every item has (a
 * port by name, else by number), under any field of that name in any kind (Argo CD's
 * destinations too), some the API server never keys (hostAliases by ip). Only the defaults are one.
 */
export function unique(emit: Emit, list: unknown, at: FieldPath, fields: readonly string[], out: Finding[]): void {
  // one item repeats none: most lists of a pod (ports, mounts, volumes) have one, and each item was a JSON key
  if (!Array.isArray(list) || list.length < 2) return;
  const seen = new Map<string, number>();
  list.forEach((item: Record<string, unknown> | null, i) => {
    if (!item || typeof item !== 'object') return;
    const values = fields.map((f) => item[f] ?? LIST_KEY_DEFAULTS[f]);
    if (values.some((v) => v === undefined)) return;
    const key = JSON.stringify(values);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else {
      const shown = fields.map((f, j) => `${f} ${JSON.stringify(values[j])}`).join(' and ');
      out.push(
        emit('api/duplicate-key', [...at, i], `${shown} repeats item [${first}]`, `each item needs a different ${fields.join(' and ')}`),
      );
    }
  });
}

/**
 * An environment variable named twice in one container: the API server takes it (the later value
 * wins in the container; Kubernetes 1.29 warns of it, pkg/api/pod/warnings.go), but server-side
 * apply keys env by name and refuses the object ("failed to create typed patch object ... .env:
 * duplicate entries for key [name=...]"). Flux's kustomize-controller always applies server-side,
 * so for a stage Flux delivers it is an error; elsewhere a warning, since `kubectl apply
 * --server-side` refuses it too and client-side `kubectl apply` merges env by name (a later apply
 * that changes or removes one of the two drops or mixes up the other). A later value that builds on
 * the earlier (`PATH: $(PATH):/opt/bin`) is refused alike: such a variable takes a name of its own.
 */
export function envRepeats(emit: Emit, env: unknown, at: FieldPath, out: Finding[], engine: Engine | undefined): void {
  if (!Array.isArray(env)) return;
  const first = new Map<string, number>();
  env.forEach((e: Record<string, unknown> | null, i) => {
    if (typeof e?.name !== 'string') return;
    const seen = first.get(e.name);
    if (seen === undefined) {
      first.set(e.name, i);
      return;
    }
    const refused = `server-side apply refuses a repeated name (duplicate entries for key [name="${e.name}"])`;
    const finding = emit(
      'api/env-repeat',
      [...at, i],
      engine === 'flux'
        ? `name "${e.name}" repeats env[${seen}]: Flux applies the stage server-side, and ${refused}, so the stage does not apply`
        : `name "${e.name}" repeats env[${seen}]: the container gets this later value, but ${refused}: Flux and kubectl apply --server-side fail on it; ` +
            'and client-side kubectl apply merges env by name, so a later apply that changes or removes one of the two drops or mixes up the other',
      `keep one entry named ${e.name} (merge env[${seen}] and env[${i}] into one); a variable that builds on another with $(${e.name}) takes a name of its own`,
    );
    out.push(engine === 'flux' ? finding : { ...finding, severity: 'warning' });
  });
}

/**
 * Ports of one number and two protocols (DNS: 53/TCP and 53/UDP), a Service's or a container's:
 * valid, but client-side `kubectl apply` merges them by number alone (the strategic merge key of
 * ServiceSpec.ports is `port`, of Container.ports `containerPort`), so a later apply that adds,
 * removes or edits one of them drops or mixes up the other (kubernetes/kubernetes#39188, #105610,
 * #111304); server-side apply keys them by number and protocol.
 */
export function sharedPortNumbers(
  o: KubeObject,
  ports: unknown,
  at: FieldPath,
  numberField: 'port' | 'containerPort',
  out: Finding[],
): void {
  if (!Array.isArray(ports)) return;
  const whose = numberField === 'port' ? "a Service's ports" : "a container's ports";
  const first = new Map<unknown, { index: number; protocol: unknown }>();
  ports.forEach((p: Record<string, unknown> | null, i) => {
    const number = p?.[numberField];
    if (!p || typeof p !== 'object' || typeof number !== 'number') return;
    const protocol = p.protocol ?? LIST_KEY_DEFAULTS.protocol;
    const seen = first.get(number);
    if (!seen) first.set(number, { index: i, protocol });
    // the same port and protocol twice is api/duplicate-key
    else if (seen.protocol !== protocol)
      out.push(
        finder(o, 'warning')(
          'api/port-merge-key',
          [...at, i, numberField],
          `port ${number}/${String(protocol)} has the number of ports[${seen.index}] (${number}/${String(seen.protocol)}): valid, but client-side kubectl apply merges ${whose} by number alone, ` +
            'so a later apply that adds, removes or changes one of them drops or mixes up the other',
          `apply the ${o.kind} with server-side apply (kubectl apply --server-side), which keys ports by number and protocol (distinct port names do not help client-side apply); ` +
            `or give each protocol its own port number; or, after changing these ports, replace the ${o.kind} (kubectl replace -f) rather than apply it`,
        ),
      );
  });
}

/**
 * How applies merge the lists of a workload's pod spec, which decides the rules of their repeated
 * keys (checkPodSpec): 'plain' for a custom workload's, whose CRD (Argo's, OpenKruise's) declares
 * plain lists that either apply replaces whole; 'created' for a Pod's or a Job's, keyed by the
 * built-in kinds' merge keys (env by name for server-side apply: envRepeats) but never updated (the
 * API server refuses an update of a Pod's containers and of a Job's pod template), so no later apply
 * mixes up their ports; 'updated' for the other built-in workloads, whose ports a later client-side
 * apply merges by number alone (sharedPortNumbers).
 */
export type ListMerge = 'plain' | 'created' | 'updated';

export const listMerge = (o: KubeObject): ListMerge =>
  !isBuiltInWorkload(o) ? 'plain' : o.kind === 'Pod' || o.kind === 'Job' ? 'created' : 'updated';
