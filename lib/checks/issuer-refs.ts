/**
 * The issuer a cert-manager Certificate names (`spec.issuerRef`) or an Ingress asks ingress-shim
 * for (`cert-manager.io/issuer`, `cert-manager.io/cluster-issuer`), checked against the objects'
 * issuers (`refs/cert-issuer`): an Issuer of the object's namespace unless the kind says
 * ClusterIssuer. An issuer of that name of the other kind, an Issuer only of another namespace, or a
 * name near one of the issuers of that kind the objects make is a mistake (cert-manager leaves the
 * Certificate not ready: the issuer is not found); an issuer the objects do not make may be made
 * outside them (not a finding), and one of another group (an external issuer) is not looked at. An
 * issuer declared as made outside (`checks.existingObjects`, `--object-exists`:
 * lib/model/existing-objects.ts) is one of the issuers: a name near one is a mistake only when no
 * declared one is named. Pure.
 */
import { didYouMean } from '../model/did-you-mean.js';
import { describeObject, isRecord, type KubeObject } from '../model/object.js';
import { DEFAULT_ISSUER_KIND_FLAG, asksDefaultIssuer, defaultIssuerOf } from '../model/operator-secrets.js';
import { finder, type FieldPath, type Finding } from './finding.js';
import { listed, type ObjectIndex } from './object-index.js';
import { clusterNames, declareHint, namespacedNames, withDeclared } from './declared-names.js';
import type { ReferenceOptions } from './references-namespaces.js';

const GROUP = 'cert-manager.io';
const ISSUER = `${GROUP}/Issuer`;

/** What waits while the issuer is not found, by the kind of the object naming it. */
const WAITS: Readonly<Record<string, string>> = {
  Certificate: 'cert-manager issues no certificate until it is there (the Certificate stays not ready: issuer not found)',
  Ingress: "cert-manager's ingress-shim makes a Certificate that waits for it (issuer not found): the TLS Secret is never written",
};

/**
 * The finding, if any, for an issuer named `name` of `kind` from an object of namespace `ns`, at
 * `path`; the kind is written at `kindPath`, or else `kindSaid` says what made it an Issuer (`no kind:
 * an Issuer`, cert-manager's default).
 */
function issuerFinding(
  o: KubeObject,
  ns: string,
  index: ObjectIndex,
  name: string,
  kind: 'Issuer' | 'ClusterIssuer',
  path: FieldPath,
  kindPath: FieldPath | undefined,
  setKind: (kind: string) => string,
  { existingObjects: existing, written }: ReferenceOptions,
  kindSaid = 'no kind: an Issuer',
): Finding | undefined {
  const emit = finder(o);
  const waits = WAITS[o.kind] ?? WAITS.Certificate;
  if (kind === 'Issuer') {
    const names = namespacedNames(index, 'Issuer', ns, existing);
    if (names.includes(name)) return undefined;
    if (clusterNames(index, 'ClusterIssuer', existing).includes(name))
      return emit(
        'refs/cert-issuer',
        kindPath ?? path,
        `names the Issuer '${name}'${kindPath ? '' : ` (${kindSaid})`} of namespace '${ns}', but '${name}' is a ClusterIssuer, and the Issuers in namespace '${ns}' are: ${listed(names)}; ${waits}`,
        setKind('ClusterIssuer'),
      );
    const elsewhere = index
      .objectsOf(ISSUER)
      .filter((s) => s.metadata?.name === name)
      .map((s) => `'${index.namespaceOf(s)}'`);
    const guess = didYouMean(name, names);
    if (elsewhere.length === 0 && guess === undefined) return undefined;
    return emit(
      'refs/cert-issuer',
      path,
      `names the Issuer '${name}', but the Issuers in namespace '${ns}' are: ${listed(names)}` +
        `${elsewhere.length ? `; the objects' Issuer '${name}' is in namespace ${elsewhere.join(', ')}, and an Issuer issues only for its own namespace` : ''}; ${waits}`,
      guess !== undefined
        ? `did you mean '${guess}'? Or, ${declareHint('Issuer', ns, name, written)}`
        : `add an Issuer '${name}' to namespace '${ns}', or make it a ClusterIssuer and ${setKind('ClusterIssuer')}; or, ${declareHint('Issuer', ns, name, written)}`,
    );
  }
  const names = clusterNames(index, 'ClusterIssuer', existing);
  if (names.includes(name)) return undefined;
  if (namespacedNames(index, 'Issuer', ns, existing).includes(name))
    return emit(
      'refs/cert-issuer',
      kindPath ?? path,
      `names the ClusterIssuer '${name}', but '${name}' is an Issuer of namespace '${ns}', and the objects make no ClusterIssuer of that name; ${waits}`,
      setKind('Issuer'),
    );
  const guess = didYouMean(name, names);
  if (guess === undefined) return undefined;
  return emit(
    'refs/cert-issuer',
    path,
    `names the ClusterIssuer '${name}', but the objects' ClusterIssuers${withDeclared(existing, 'ClusterIssuer')} are: ${listed(names)}; ${waits}`,
    `did you mean '${guess}'? Or, ${declareHint('ClusterIssuer', '', name, written)}`,
  );
}

/** A Certificate's issuerRef: an Issuer of its namespace unless `kind: ClusterIssuer`; of another group, not looked at. */
export function checkCertificateIssuer(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions): void {
  const ref = isRecord(o.spec) && isRecord(o.spec.issuerRef) ? o.spec.issuerRef : undefined;
  if (!ref || typeof ref.name !== 'string' || ref.name === '') return;
  if (ref.group !== undefined && ref.group !== GROUP) return;
  const kind = ref.kind ?? 'Issuer';
  if (kind !== 'Issuer' && kind !== 'ClusterIssuer') return;
  const found = issuerFinding(
    o,
    ns,
    index,
    ref.name,
    kind,
    ['spec', 'issuerRef', 'name'],
    ref.kind === undefined ? undefined : ['spec', 'issuerRef', 'kind'],
    (k) =>
      k === 'Issuer'
        ? 'set issuerRef.kind: Issuer (or remove kind, which defaults to it)'
        : `set kind: ClusterIssuer beside issuerRef.name: ${ref.name}`,
    options,
  );
  if (found) out.push(found);
}

/** An Ingress's issuer annotation for ingress-shim (one of the two, not empty, no issuer-kind or issuer-group: `namesIssuer`). */
export function checkIngressIssuer(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions): void {
  const a = isRecord(o.metadata?.annotations) ? o.metadata.annotations : undefined;
  if (a && asksDefaultIssuer(a)) {
    checkDefaultIssuer(o, ns, index, out, options);
    return;
  }
  if (!a || a['cert-manager.io/issuer-kind'] !== undefined || a['cert-manager.io/issuer-group'] !== undefined) return;
  const issuer = a['cert-manager.io/issuer'];
  const cluster = a['cert-manager.io/cluster-issuer'];
  if ((issuer === undefined) === (cluster === undefined)) return;
  const [annotation, name] = issuer !== undefined ? ['cert-manager.io/issuer', issuer] : ['cert-manager.io/cluster-issuer', cluster];
  if (typeof name !== 'string' || name === '') return;
  const found = issuerFinding(
    o,
    ns,
    index,
    name,
    annotation === 'cert-manager.io/issuer' ? 'Issuer' : 'ClusterIssuer',
    ['metadata', 'annotations', annotation],
    ['metadata', 'annotations', annotation],
    (k) => `write the annotation ${k === 'Issuer' ? 'cert-manager.io/issuer' : 'cert-manager.io/cluster-issuer'}: ${name} instead`,
    options,
  );
  if (found) out.push(found);
}

/**
 * The default issuer an Ingress asks ingress-shim for (`kubernetes.io/tls-acme`, no issuer named):
 * that of cert-manager's controller among the objects (`defaultIssuerOf`), an Issuer of the Ingress's
 * namespace unless --default-issuer-kind says ClusterIssuer, checked as an annotation's (the Helm
 * chart's ingressShim.defaultIssuerName alone makes it an Issuer: a ClusterIssuer of that name is not
 * found). Without the controller among the objects, or without a default issuer (operator-secrets.ts
 * says so at the TLS Secret), nothing.
 */
function checkDefaultIssuer(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions): void {
  const [controller] = index.certManagerControllers();
  const issuer = controller && defaultIssuerOf(controller.args);
  if (!issuer || (issuer.kind !== 'Issuer' && issuer.kind !== 'ClusterIssuer')) return;
  const described = describeObject(controller.object);
  const found = issuerFinding(
    o,
    ns,
    index,
    issuer.name,
    issuer.kind,
    ['metadata', 'annotations', 'kubernetes.io/tls-acme'],
    undefined,
    (k) =>
      `give ${described}'s controller ${DEFAULT_ISSUER_KIND_FLAG}=${k} (Helm: ingressShim.defaultIssuerKind: ${k}), or name the issuer on the Ingress: ` +
      `${k === 'Issuer' ? 'cert-manager.io/issuer' : 'cert-manager.io/cluster-issuer'}: ${issuer.name}`,
    options,
    issuer.kindGiven ? `${DEFAULT_ISSUER_KIND_FLAG}=${issuer.kind}` : `no ${DEFAULT_ISSUER_KIND_FLAG}: an Issuer`,
  );
  if (found)
    out.push({
      ...found,
      message: `asks ingress-shim for its default issuer (kubernetes.io/tls-acme), and ${described}'s --default-issuer-name ${found.message}`,
    });
}
