/**
 * The API server's rules of an Ingress that its schema does not say (pkg/apis/networking/validation):
 * its hosts (DNS names, not IP addresses), Exact and Prefix paths, a backend's Service port named one
 * way, and its class named one way (not both the annotation and spec.ingressClassName). Called by
 * `checkKindRules` (api-rules-kinds.ts); data in, findings out.
 */
import { isRecord, type KubeObject } from '../model/object.js';
import { DNS1123_SUBDOMAIN } from '../model/object-names.js';
import type { Emit, FieldPath, Finding } from './finding.js';

/** Four dotted numbers of 1 to 3 digits (NetworkPolicy CIDRs read them too, api-rules-kinds.ts). */
export const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** Hex digits and colons (and dots of an embedded IPv4 address): an IPv6 address, not a host name with a port. */
const IPV6_LIKE = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/;
/** Ingress path sequences the API server refuses in an Exact or Prefix path (ingress-nginx could not route them safely). */
const BAD_PATH_PARTS = ['//', '/./', '/../', '%2f', '%2F'];
const BAD_PATH_ENDS = ['/..', '/.'];
/** An IPv4 address as the API server's sloppy parser reads it (leading zeros allowed). */
export const isIpv4 = (s: string) => IPV4.test(s) && s.split('.').every((o) => Number(o) <= 255);

/** What is wrong with an Ingress host (a DNS-1123 subdomain, `*.` allowed in front; not an IP address), if anything. */
export function ingressHostProblem(host: string): string | undefined {
  if (isIpv4(host) || IPV6_LIKE.test(host)) return 'is an IP address; an Ingress rule routes by DNS name';
  const name = host.startsWith('*.') ? host.slice(2) : host;
  if (!DNS1123_SUBDOMAIN.test(name) || host.length > 253) {
    return "is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.'; '*.' only in front)";
  }
  return undefined;
}

/** What is wrong with an Ingress path of pathType Exact or Prefix, if anything. */
export function ingressPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return "does not start with '/'";
  const part = BAD_PATH_PARTS.find((p) => path.includes(p));
  if (part) return `contains '${part}'`;
  const end = BAD_PATH_ENDS.find((e) => path.endsWith(e));
  return end ? `ends in '${end}'` : undefined;
}

function servicePort(emit: Emit, backend: unknown, at: FieldPath, out: Finding[]): void {
  if (!isRecord(backend) || !isRecord(backend.service)) return;
  const port = backend.service.port;
  if (isRecord(port) && port.number !== undefined && port.number !== 0 && typeof port.name === 'string' && port.name !== '') {
    out.push(
      emit(
        'api/ingress',
        [...at, 'service', 'port'],
        'sets both number and name; a backend names its Service port one way',
        'keep number or name',
      ),
    );
  }
}

/** An Ingress's TLS hosts, rules' hosts, paths and backends. */
function ingressSpec(emit: Emit, spec: Record<string, unknown>, out: Finding[]): void {
  servicePort(emit, spec.defaultBackend, ['spec', 'defaultBackend'], out);
  if (Array.isArray(spec.tls)) {
    spec.tls.forEach((t: unknown, i) => {
      if (!isRecord(t) || !Array.isArray(t.hosts)) return;
      t.hosts.forEach((h: unknown, j) => {
        const name = typeof h === 'string' && h.startsWith('*.') ? h.slice(2) : h;
        if (typeof name === 'string' && !DNS1123_SUBDOMAIN.test(name)) {
          out.push(emit('api/ingress', ['spec', 'tls', i, 'hosts', j], `TLS host '${h}' is not a DNS-1123 subdomain`, INGRESS_HOST_HINT));
        }
      });
    });
  }
  if (!Array.isArray(spec.rules)) return;
  spec.rules.forEach((r: unknown, i) => {
    if (!isRecord(r)) return;
    const bad = typeof r.host === 'string' && r.host !== '' ? ingressHostProblem(r.host) : undefined;
    if (bad) out.push(emit('api/ingress', ['spec', 'rules', i, 'host'], `host '${r.host}' ${bad}`, INGRESS_HOST_HINT));
    const paths = isRecord(r.http) ? r.http.paths : undefined;
    if (!Array.isArray(paths)) return;
    paths.forEach((p: unknown, j) => {
      if (!isRecord(p)) return;
      const at: FieldPath = ['spec', 'rules', i, 'http', 'paths', j];
      servicePort(emit, p.backend, [...at, 'backend'], out);
      if (typeof p.path !== 'string') return;
      const why =
        p.pathType === 'Exact' || p.pathType === 'Prefix'
          ? ingressPathProblem(p.path)
          : p.path !== '' && !p.path.startsWith('/')
            ? "does not start with '/'"
            : undefined;
      if (why) {
        out.push(
          emit(
            'api/ingress',
            [...at, 'path'],
            `path '${p.path}' ${why}`,
            "write an absolute path without '//', '/./', '/../' or '%2F', not ending in '/.' or '/..'",
          ),
        );
      }
    });
  });
}

const INGRESS_HOST_HINT = 'name the host by its DNS name, e.g. app.example.com or *.example.com (leave host out to match every host)';

/** The annotation that named an Ingress's class before `spec.ingressClassName` (Kubernetes 1.18). */
const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/**
 * An Ingress that names its class both ways: the API server refuses to create it, whatever the
 * two values (networking ValidateIngressCreate: "can not be set when the class field is also set";
 * an update of one that has both passes, but a stage's namespace is new to it).
 */
function ingressClassTwice(emit: Emit, o: KubeObject, out: Finding[]): void {
  const annotation = o.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
  const field = isRecord(o.spec) ? o.spec.ingressClassName : undefined;
  if (annotation === undefined || annotation === null || field === undefined || field === null) return;
  const same = annotation === field;
  out.push(
    emit(
      'api/ingress',
      ['metadata', 'annotations', INGRESS_CLASS_ANNOTATION],
      `annotation ${INGRESS_CLASS_ANNOTATION} (${JSON.stringify(annotation)}) is set beside spec.ingressClassName (${JSON.stringify(field)}): the API server refuses to create an Ingress that names its class both ways ("can not be set when the class field is also set"), ${same ? 'even with one value' : 'and the two name different classes'}`,
      same
        ? `remove the annotation and keep ingressClassName: ${String(field)}`
        : 'keep the class the Ingress is meant for in spec.ingressClassName and remove the annotation',
    ),
  );
}

/** The rules of one Ingress: of its spec, and of its class where networking.k8s.io's Ingress has one. */
export function checkIngress(emit: Emit, o: KubeObject, out: Finding[]): void {
  if (isRecord(o.spec)) ingressSpec(emit, o.spec, out);
  if (String(o.apiVersion).startsWith('networking.k8s.io/')) ingressClassTwice(emit, o, out);
}
