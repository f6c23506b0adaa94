/**
 * The API server's rules of a pod spec's values that its schema does not say
 * (pkg/apis/core/validation): an environment variable with both value and valueFrom, the keys a
 * secretKeyRef, configMapKeyRef or volume item names (lib/model/config-key.ts, as the keys an
 * object holds), negative resource quantities, probes
 * (ports, scheme, thresholds), hostPath paths with '..', and tolerations. Called by
 * `checkApiRules` (api-rules.ts) for every pod spec; data in, findings out.
 */
import { isRecord } from '../model/object.js';
import { placedContainers } from '../model/pod-specs.js';
import { parseQuantity } from '../model/quantity.js';
import { checkFileModes } from './file-modes.js';
import type { Emit, FieldPath, Finding } from './finding.js';
import { isIanaSvcName } from '../model/object-names.js';
import { CONFIG_KEY_HINT, configKeyProblem } from '../model/config-key.js';
import { tolerationProblems } from '../model/tolerations.js';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const PROBE_COUNTS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const;
const HTTP_SCHEMES = ['HTTP', 'HTTPS'];

/** Whether a path has a '..' element (validatePathNoBacksteps). */
export const hasBackstep = (path: string) => path.split('/').includes('..');

/** A quantity below zero (ValidateNonnegativeQuantity): the number, else undefined. */
export function negativeQuantity(q: unknown): number | undefined {
  const n = parseQuantity(q);
  return n !== undefined && n < 0 ? n : undefined;
}

function keyRef(emit: Emit, key: unknown, path: FieldPath, what: string, out: Finding[]): void {
  if (typeof key !== 'string') return;
  const bad = configKeyProblem(key);
  if (bad) out.push(emit('api/config-key', path, `${what} key '${key}' is not valid: ${bad}`, CONFIG_KEY_HINT));
}

function checkEnv(emit: Emit, env: unknown, at: FieldPath, out: Finding[]): void {
  if (!Array.isArray(env)) return;
  env.forEach((e: unknown, j) => {
    if (!isRecord(e)) return;
    const from = e.valueFrom;
    if (typeof e.value === 'string' && e.value !== '' && from !== undefined && from !== null) {
      out.push(
        emit(
          'api/workload',
          [...at, j, 'valueFrom'],
          `environment variable '${String(e.name)}' sets both value and valueFrom; the API server takes one`,
          'keep value (a literal) or valueFrom (a reference), not both',
        ),
      );
    }
    if (!isRecord(from)) return;
    for (const ref of ['secretKeyRef', 'configMapKeyRef']) {
      const r = from[ref];
      if (isRecord(r)) keyRef(emit, r.key, [...at, j, 'valueFrom', ref, 'key'], ref, out);
    }
  });
}

function checkResources(emit: Emit, resources: unknown, at: FieldPath, out: Finding[]): void {
  if (!isRecord(resources)) return;
  for (const side of ['requests', 'limits']) {
    const r = resources[side];
    if (!isRecord(r)) continue;
    for (const name in r) {
      if (!Object.hasOwn(r, name)) continue;
      const n = negativeQuantity(r[name]);
      if (n !== undefined) {
        out.push(
          emit(
            'api/workload',
            [...at, side, name],
            `${side} ${name} ${JSON.stringify(r[name])} is negative`,
            'a resource quantity is 0 or more; remove the sign',
          ),
        );
      }
    }
  }
}

function probePort(emit: Emit, port: unknown, path: FieldPath, out: Finding[]): void {
  if (typeof port === 'number' && Number.isInteger(port) && (port < 1 || port > 65535)) {
    out.push(
      emit('api/port-range', path, `port ${port} is out of range (1-65535)`, 'give a port from 1 to 65535 or a container port name'),
    );
  } else if (typeof port === 'string' && !isIanaSvcName(port)) {
    out.push(
      emit(
        'api/probe',
        path,
        `port '${port}' is neither a number nor a container port name (an IANA service name)`,
        "name a container port (at most 15 lowercase letters, digits and '-') or give its number",
      ),
    );
  }
}

function checkProbe(emit: Emit, name: string, p: Record<string, unknown>, at: FieldPath, out: Finding[]): void {
  for (const field of PROBE_COUNTS) {
    const v = p[field];
    if (typeof v === 'number' && v < 0) out.push(emit('api/probe', [...at, field], `${field} ${v} is negative`, 'use 0 or more'));
  }
  // the API server defaults 0 to 1 before it validates
  const st = p.successThreshold;
  if (name !== 'readinessProbe' && typeof st === 'number' && st > 1) {
    out.push(
      emit(
        'api/probe',
        [...at, 'successThreshold'],
        `successThreshold of a ${name} must be 1 (found ${st})`,
        'leave successThreshold out (it is 1): only a readinessProbe may need several successes',
      ),
    );
  }
  for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
    const h = p[handler];
    if (isRecord(h)) probePort(emit, h.port, [...at, handler, 'port'], out);
  }
  const http = p.httpGet;
  if (isRecord(http) && typeof http.scheme === 'string' && !HTTP_SCHEMES.includes(http.scheme)) {
    out.push(
      emit(
        'api/probe',
        [...at, 'httpGet', 'scheme'],
        `scheme '${http.scheme}' is neither HTTP nor HTTPS (the case matters)`,
        `write scheme: ${http.scheme.toUpperCase() === 'HTTPS' ? 'HTTPS' : 'HTTP'}`,
      ),
    );
  }
}

function checkVolumes(emit: Emit, volumes: unknown, at: FieldPath, out: Finding[]): void {
  if (!Array.isArray(volumes)) return;
  volumes.forEach((v: unknown, i) => {
    if (!isRecord(v)) return;
    const hp = v.hostPath;
    if (isRecord(hp)) hostPathBackstep(emit, hp.path, [...at, i, 'hostPath', 'path'], out);
    checkFileModes(emit, v, [...at, i], out);
    for (const source of ['configMap', 'secret']) {
      const s = v[source];
      if (isRecord(s)) itemKeys(emit, s.items, [...at, i, source, 'items'], out);
    }
    const projected = v.projected;
    if (isRecord(projected) && Array.isArray(projected.sources)) {
      projected.sources.forEach((s: unknown, j) => {
        if (!isRecord(s)) return;
        for (const source of ['configMap', 'secret']) {
          const src = s[source];
          if (isRecord(src)) itemKeys(emit, src.items, [...at, i, 'projected', 'sources', j, source, 'items'], out);
        }
      });
    }
  });
}

/** Items of a configMap or secret volume name keys of it: a key no ConfigMap or Secret can have is never there. */
function itemKeys(emit: Emit, items: unknown, at: FieldPath, out: Finding[]): void {
  if (!Array.isArray(items)) return;
  items.forEach((item: unknown, k) => {
    if (isRecord(item)) keyRef(emit, item.key, [...at, k, 'key'], 'item', out);
  });
}

/** A hostPath with a '..' element, which the API server refuses (a PersistentVolume's too). */
export function hostPathBackstep(emit: Emit, path: unknown, at: FieldPath, out: Finding[]): void {
  if (typeof path === 'string' && hasBackstep(path)) {
    out.push(emit('api/storage', at, `hostPath '${path}' has a '..' element`, "write the path without '..' (the directory it leads to)"));
  }
}

function checkTolerations(emit: Emit, tolerations: unknown, at: FieldPath, out: Finding[]): void {
  if (!Array.isArray(tolerations)) return;
  tolerations.forEach((t: unknown, i) => {
    for (const p of tolerationProblems(t)) out.push(emit('api/workload', [...at, i, p.field], `${p.field} ${p.message}`, p.hint));
  });
}

/** The values of one pod spec at `at` (the spec's path). */
export function checkPodSpecValues(emit: Emit, spec: Record<string, unknown>, at: FieldPath, out: Finding[]): void {
  for (const { container: c, list, index } of placedContainers(spec)) {
    const cp: FieldPath = [...at, list, index];
    checkEnv(emit, c.env, [...cp, 'env'], out);
    checkResources(emit, c.resources, [...cp, 'resources'], out);
    for (const name of PROBES) {
      const p = c[name];
      if (isRecord(p)) checkProbe(emit, name, p, [...cp, name], out);
    }
  }
  checkVolumes(emit, spec.volumes, [...at, 'volumes'], out);
  checkTolerations(emit, spec.tolerations, [...at, 'tolerations'], out);
}
