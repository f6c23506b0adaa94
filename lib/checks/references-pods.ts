/**
 * References from pod templates: claims, Secrets and ConfigMaps (and their keys), image pull
 * Secrets (and their type), the service account, volume mounts, probe ports. Each finding names
 * both ends.
 */
import {
  ENV_FROM,
  ENV_VALUE_FROM,
  mappingItems,
  mountsClaimTemplates,
  placedContainers,
  workloadTemplatePath,
  containerNamed,
} from '../model/pod-specs.js';
import { finder, guessing, missingHint, type FieldPath, type Finding } from './finding.js';
import { KINDS, listed, type ObjectIndex, type Workload } from './object-index.js';
import { asRecord, recordsIn, type KubeObject } from '../model/object.js';
import { REQUIRED_SECRETS_ANNOTATION } from '../required-secrets.js';
import { DECLARED_SECRETS, MADE_SECRETS, SECRET_KEYS_ANNOTATION, declaredKeys, declaredOutside } from './declared-secrets.js';
import { shownJson } from '../model/shown-values.js';

/** The annotation listing a Secret's keys, read here by secrets.ts (declared-secrets.ts). */
export { SECRET_KEYS_ANNOTATION };

type Obj = Record<string, unknown>;

/** The Secret types the kubelet reads registry credentials from (pkg/credentialprovider/secrets). */
const PULL_SECRET_TYPES: readonly string[] = ['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg'];

/** How to make and declare an image pull Secret `name`: in a stage's file (`written`), else on its Namespace. */
const pullSecretHint = (name: string, written: boolean) =>
  written
    ? 'make it with kubectl create secret docker-registry (type kubernetes.io/dockerconfigjson) and declare it in the stage file: ' +
      `under secrets.external (secrets: { external: [{ name: ${name}, keys: [.dockerconfigjson] }] }), or as a service app's imagePullSecrets ` +
      '(the Namespace lists it in its stagecraft.dev/required-secrets annotation); or fix the name'
    : `make it with kubectl create secret docker-registry (type kubernetes.io/dockerconfigjson), or fix the name; ${declaredOutside.secret(name, '.dockerconfigjson')}`;

/**
 * A probe on a named port its container does not declare: a name resolves only among the declared
 * ports, so the kubelet cannot probe it (an error). A number is probed whether declared or not
 * (container ports are informational, the API server takes a probe on any port, and charts probe
 * ports they do not list: ingress-nginx's controller its metrics port 10254), so it is no finding.
 */
function probePortFinding(
  object: KubeObject,
  path: FieldPath,
  probe: string,
  port: unknown,
  cname: string,
  ports: readonly Record<string, unknown>[],
): Finding | undefined {
  if (typeof port === 'number') return undefined;
  const declared = listed(ports.map((x) => (x.name ? `${String(x.containerPort)} (${String(x.name)})` : String(x.containerPort))));
  return finder(object)(
    'refs/probe-port',
    path,
    `${probe} checks port ${shownJson(port)}, but ${cname} declares the ports: ${declared}`,
    guessing(
      String(port),
      portNames(ports),
      "a named port resolves only among the container's ports: declare it there, or probe a declared one",
    ),
  );
}
/** The names of `ports` (container ports) that have one. */
export function portNames(ports: readonly Record<string, unknown>[]): string[] {
  return ports.flatMap((p) => (typeof p.name === 'string' ? [p.name] : []));
}

/** Every namespace has the service account `default`, declared or not. */
/** Account names with `default`, which every namespace has. */
export const withDefault = (names: readonly string[]) => (names.includes('default') ? names : ['default', ...names]);

const KIND_WORD: Record<string, string> = {
  Secret: 'Secrets',
  ConfigMap: 'ConfigMaps',
  PersistentVolumeClaim: 'claims',
  ServiceAccount: 'service accounts',
};

export function checkPodReferences(w: Workload, ns: string, index: ObjectIndex, written?: boolean): Finding[] {
  const out: Finding[] = [];
  const emit = finder(w.object);
  const spec = asRecord(w.template.spec);
  if (!spec) return out;
  const path = workloadTemplatePath(w.object);
  if (!path) return out;
  // a built-in workload's or a custom one's (an Argo Rollout's): its controller makes pods of it, which need the same objects
  const at: FieldPath = [...path, 'spec'];
  /** Where a missing object is added: the stage, or the files given to `npm run check`. */
  const where = written ? 'the stage' : 'the files checked';

  /** An object `kind` named `name` must exist (unless optional), and, when `key` is given, declare it. */
  const needs = (
    kind: 'Secret' | 'ConfigMap' | 'PersistentVolumeClaim',
    name: unknown,
    path: FieldPath,
    who: string,
    key?: unknown,
    optional?: unknown,
  ) => {
    if (typeof name !== 'string' || optional === true) return;
    const target = index.get(KINDS[kind], ns, name);
    const word = KIND_WORD[kind];
    if (!target) {
      const names = index.namesOf(KINDS[kind], ns);
      out.push(
        emit(
          `refs/${kind === 'PersistentVolumeClaim' ? 'claim' : kind.toLowerCase()}`,
          path,
          `${who} ${kind === 'PersistentVolumeClaim' ? 'claims' : `uses ${kind}`} '${name}', but the ${word} in namespace '${ns}' are: ${listed(names)}`,
          missingHint(
            name,
            names,
            `add the ${kind} to ${where}`,
            kind === 'Secret' ? (written ? declaredOutside.stageSecret : declaredOutside.secret)(name, keysRead(name)) : undefined,
          ),
        ),
      );
      return;
    }
    // a Secret the stage declares without listing its keys (made outside stagecraft) may hold any key
    if (typeof key === 'string' && !(DECLARED_SECRETS.has(target) && target.metadata.annotations?.[SECRET_KEYS_ANNOTATION] === undefined)) {
      const keys = declaredKeys(target);
      if (!keys.includes(key)) {
        out.push(
          emit(
            `refs/${kind.toLowerCase()}-key`,
            path,
            `${who} reads key '${key}' of ${kind} '${name}', which has the keys: ${listed(keys)}`,
            guessing(
              key,
              keys,
              kind !== 'Secret'
                ? `add '${key}' to the ConfigMap, or read another key`
                : MADE_SECRETS.has(target)
                  ? (MADE_SECRETS.get(target)?.(key) ?? '')
                  : !DECLARED_SECRETS.has(target)
                    ? `add '${key}' to the Secret (or to its ${SECRET_KEYS_ANNOTATION} annotation), or read another key`
                    : written
                      ? `list '${key}' among the Secret's keys where it is declared: in the stage file (secrets.external, or an app's secrets:), or in the ${REQUIRED_SECRETS_ANNOTATION} annotation of a Namespace the manifests create; or read another key`
                      : `list '${key}' among the Secret's keys in the ${REQUIRED_SECRETS_ANNOTATION} annotation of its Namespace (${name}=<keys>), or read another key`,
            ),
          ),
        );
      }
    }
  };
  /**
   * The references, checked once the walk below has seen them all (`needs`), so that a missing
   * Secret's hint lists every key the spec reads of it (`keysRead`).
   */
  const refs: Parameters<typeof needs>[] = [];
  const need = (...ref: Parameters<typeof needs>) => {
    refs.push(ref);
  };
  /** Secret name -> the keys the spec reads of it, or 'all' once a reference reads it whole (envFrom, a volume without items). */
  const secretReads = new Map<unknown, Set<unknown> | 'all'>();
  const reads = (name: unknown, key?: unknown) => {
    const read = secretReads.get(name);
    if (read !== 'all') secretReads.set(name, key === undefined ? 'all' : (read ?? new Set()).add(key));
  };
  /** The keys a declaration of Secret `name` made outside must list for every reference to hold, or undefined: any key. */
  const keysRead = (name: string) => {
    const read = secretReads.get(name);
    return read === undefined || read === 'all' ? undefined : [...read].map(String).sort().join(',');
  };
  const itemKeys = (kind: 'Secret' | 'ConfigMap', src: Obj, name: unknown, path: FieldPath, who: string) => {
    need(kind, name, path, who, undefined, src.optional);
    const items = mappingItems(src.items);
    if (kind === 'Secret' && items.length === 0) reads(name);
    items.forEach(([i, item]) => {
      if (kind === 'Secret') reads(name, item.key);
      need(kind, name, [...path, 'items', i, 'key'], who, item.key, src.optional);
    });
  };

  const volumes = mappingItems(spec.volumes);
  volumes.forEach(([i, v]) => {
    const vp: FieldPath = [...at, 'volumes', i];
    const who = `volume '${String(v.name)}'`;
    const pvc = asRecord(v.persistentVolumeClaim);
    if (pvc) need('PersistentVolumeClaim', pvc.claimName, [...vp, 'persistentVolumeClaim', 'claimName'], who);
    const secret = asRecord(v.secret);
    if (secret) itemKeys('Secret', secret, secret.secretName, [...vp, 'secret'], who);
    const cm = asRecord(v.configMap);
    if (cm) itemKeys('ConfigMap', cm, cm.name, [...vp, 'configMap'], who);
    mappingItems(asRecord(v.projected)?.sources).forEach(([j, s]) => {
      const sp: FieldPath = [...vp, 'projected', 'sources', j];
      const ps = asRecord(s.secret);
      if (ps) itemKeys('Secret', ps, ps.name, [...sp, 'secret'], who);
      const pc = asRecord(s.configMap);
      if (pc) itemKeys('ConfigMap', pc, pc.name, [...sp, 'configMap'], who);
    });
  });
  const volumeNames = volumes.map(([, v]) => v.name).filter((n): n is string => typeof n === 'string');
  const claimTemplates = mountsClaimTemplates(w.object)
    ? recordsIn(asRecord(w.object.spec)?.volumeClaimTemplates).flatMap((t) => {
        const name = asRecord(t.metadata)?.name;
        return typeof name === 'string' ? [name] : [];
      })
    : [];

  for (const { container: c, list, index } of placedContainers(spec)) {
    const cp: FieldPath = [...at, list, index];
    const cname = containerNamed(c);
    mappingItems(c.env).forEach(([j, e]) => {
      // most variables have a plain value: nothing to look up
      const from = asRecord(e.valueFrom);
      if (!from) return;
      const who = `${cname} env ${String(e.name)}`;
      // the fields that name an object, and its kind: one table (lib/model/pod-specs.ts)
      for (const [field, kind] of Object.entries(ENV_VALUE_FROM)) {
        const ref = asRecord(from[field]);
        if (!ref) continue;
        if (kind === 'Secret') reads(ref.name, ref.key);
        need(kind, ref.name, [...cp, 'env', j, 'valueFrom', field], who, ref.key, ref.optional);
      }
    });
    mappingItems(c.envFrom).forEach(([j, e]) => {
      for (const [field, kind] of Object.entries(ENV_FROM)) {
        const ref = asRecord(e[field]);
        if (!ref) continue;
        if (kind === 'Secret') reads(ref.name);
        need(kind, ref.name, [...cp, 'envFrom', j, field], `${cname} envFrom`, undefined, ref.optional);
      }
    });
    mappingItems(c.volumeMounts).forEach(([j, m]) => {
      if (typeof m.name === 'string' && !volumeNames.includes(m.name) && !claimTemplates.includes(m.name)) {
        out.push(
          emit(
            'refs/volume-mount',
            [...cp, 'volumeMounts', j, 'name'],
            `${cname} mounts volume '${m.name}', but the pod's volumes are: ${listed(volumeNames)}${
              claimTemplates.length ? `, and its claim templates: ${listed(claimTemplates)}` : ''
            }`,
            guessing(m.name, [...volumeNames, ...claimTemplates], 'add the volume to the pod, or fix the name'),
          ),
        );
      }
    });
    const ports = recordsIn(c.ports);
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const p = asRecord(c[probe]);
      if (!p) continue;
      for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
        const port = asRecord(p[handler])?.port;
        if (port === undefined) continue;
        const same = typeof port === 'string' ? ports.filter((x) => x.name === port) : ports.filter((x) => x.containerPort === port);
        // tcpSocket, grpc and httpGet probes all connect over TCP: a port declared only as UDP never answers
        if (same.length && same.every((x) => x.protocol === 'UDP')) {
          out.push(
            emit(
              'refs/probe-protocol',
              [...cp, probe, handler, 'port'],
              `${probe} connects over TCP to port ${shownJson(port)}, which ${cname} declares as UDP`,
              'probe a TCP port, or use an exec probe for a UDP service',
            ),
          );
        }
        const unknown =
          same.length === 0 ? probePortFinding(w.object, [...cp, probe, handler, 'port'], probe, port, cname, ports) : undefined;
        if (unknown) out.push(unknown);
      }
    }
  }

  for (const ref of refs) needs(...ref);

  // the kubelet pulls with each Secret it finds of a registry type; one it cannot find or read is
  // skipped (a warning in its log), and an image of a private registry then fails to pull
  mappingItems(spec.imagePullSecrets).forEach(([i, ref]) => {
    const name = ref.name;
    if (typeof name !== 'string') return;
    const path: FieldPath = [...at, 'imagePullSecrets', i, 'name'];
    const target = index.get(KINDS.Secret, ns, name);
    if (!target) {
      const names = index.namesOf(KINDS.Secret, ns);
      out.push(
        emit(
          'refs/pull-secret',
          path,
          `pulls its images with Secret '${name}', but the Secrets in namespace '${ns}' are: ${listed(names)}`,
          guessing(name, names, pullSecretHint(name, written === true)),
        ),
      );
      return;
    }
    // a declared Secret's type is not known here: whoever makes it makes it of a registry type
    const type = typeof target.type === 'string' ? target.type : 'Opaque';
    if (!DECLARED_SECRETS.has(target) && !PULL_SECRET_TYPES.includes(type)) {
      out.push(
        emit(
          'refs/pull-secret-type',
          path,
          `pulls its images with Secret '${name}', which is of type ${type}: the kubelet reads registry credentials only from a Secret of type ${PULL_SECRET_TYPES.join(' or ')}`,
          `make '${name}' with kubectl create secret docker-registry (type kubernetes.io/dockerconfigjson, key .dockerconfigjson), or name a Secret of that type`,
        ),
      );
    }
  });

  const sa = spec.serviceAccountName ?? spec.serviceAccount;
  if (typeof sa === 'string' && sa !== 'default' && !index.get(KINDS.ServiceAccount, ns, sa)) {
    out.push(
      emit(
        'refs/service-account',
        [...at, spec.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount'],
        `runs as service account '${sa}', but the service accounts in namespace '${ns}' are: ${listed(withDefault(index.namesOf(KINDS.ServiceAccount, ns)))}`,
        [
          `add the ServiceAccount to ${where}, or fix the name`,
          (written ? declaredOutside.stageServiceAccount : declaredOutside.serviceAccount)(sa),
        ].join('; '),
      ),
    );
  }
  return out;
}
