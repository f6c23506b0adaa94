/**
 * Gateway API Gateways and the TLS Secrets of their listeners: a listener's `tls.certificateRefs`
 * entry of the core group and kind Secret (the defaults) names a Secret of the Gateway's namespace
 * unless it says another, which a ReferenceGrant there must let the Gateway reach. The API server takes
 * the Gateway, but its controller sets the listener's ResolvedRefs condition to False
 * (InvalidCertificateRef for a Secret not there, RefNotPermitted without a grant) and does not program
 * it: no TLS connection to its port and hostname succeeds (`refs/gateway-certificate`). A Secret
 * cert-manager makes for the Gateway (its gateway-shim, for a Gateway annotated with an issuer as an
 * Ingress is) is there; a listener of tls.mode Passthrough reads none. Pure.
 */
import { hasDefaultIssuer, namesIssuer } from '../model/operator-secrets.js';
import { asRecord, recordsIn, type KubeObject } from '../model/object.js';
import { declaredOutside } from './declared-secrets.js';
import { type FieldPath, type Finding, finder, listed, missingHint } from './finding.js';
import { KINDS, type ObjectIndex } from './object-index.js';
import { grantFor, grantHint } from './reference-grants.js';
import type { ReferenceOptions } from './references-namespaces.js';

/** Whether cert-manager makes a Gateway's TLS Secrets: it names an issuer (`namesIssuer`, the default issuer's as its controller among the objects has it). */
function certManagerMakes(o: KubeObject, index: ObjectIndex): boolean {
  return namesIssuer(asRecord(o.metadata?.annotations), () => {
    const [controller] = index.certManagerControllers();
    return controller ? hasDefaultIssuer(controller.args) : true;
  });
}

/** A Gateway's listeners' certificateRefs that name a Secret not there, or one of another namespace no ReferenceGrant lets it reach. */
export function checkGatewayCertificates(
  o: KubeObject,
  ns: string,
  index: ObjectIndex,
  out: Finding[],
  options: ReferenceOptions = {},
): void {
  const emit = finder(o);
  recordsIn(asRecord(o.spec)?.listeners).forEach((listener, i) => {
    const tls = asRecord(listener.tls);
    if (!tls || tls.mode === 'Passthrough' || !Array.isArray(tls.certificateRefs)) return;
    const serves = `listener '${String(listener.name)}' (port ${String(listener.port)}${typeof listener.hostname === 'string' ? `, ${listener.hostname}` : ''})`;
    const fails = `its controller sets the listener's ResolvedRefs to False (%s) and does not program it: no TLS connection to it succeeds`;
    tls.certificateRefs.forEach((r, j) => {
      const ref = asRecord(r);
      if (!ref || typeof ref.name !== 'string' || ref.name === '') return;
      if ((ref.group ?? '') !== '' || (ref.kind ?? 'Secret') !== 'Secret') return;
      const { name } = ref;
      const path: FieldPath = ['spec', 'listeners', i, 'tls', 'certificateRefs', j];
      const at = typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : ns;
      if (at !== ns) {
        const cross = { kind: 'Gateway', from: ns, to: at, target: 'Secret', name } as const;
        const { refused, known, grants } = grantFor(cross, index);
        if (refused !== undefined && known) {
          out.push(
            emit(
              'refs/gateway-certificate',
              [...path, 'namespace'],
              `${serves} terminates TLS with Secret '${name}' of namespace '${at}', but ${refused}; ${fails.replace('%s', 'RefNotPermitted')}`,
              `${grantHint(cross, grants)}; or keep the Secret in namespace '${ns}'`,
            ),
          );
          return;
        }
        // a namespace the objects do not make may hold it, made by its owner
        if (refused !== undefined || index.get(KINDS.Namespace, '', at) === undefined) return;
      }
      if (index.get(KINDS.Secret, at, name)) return;
      // cert-manager's gateway-shim makes a Certificate (and so the Secret) for each certificateRef of its namespace
      if (at === ns && certManagerMakes(o, index)) return;
      const names = index.namesOf(KINDS.Secret, at);
      const declare = options.written ? declaredOutside.stageSecret : declaredOutside.secret;
      out.push(
        emit(
          'refs/gateway-certificate',
          [...path, 'name'],
          `${serves} terminates TLS with Secret '${name}', but the Secrets in namespace '${at}' are: ${listed(names)}; ${fails.replace('%s', 'InvalidCertificateRef')}`,
          missingHint(
            name,
            names,
            `add the TLS Secret (its keys tls.crt and tls.key) to namespace '${at}'`,
            `or have cert-manager make it: annotate the Gateway with cert-manager.io/cluster-issuer (or cert-manager.io/issuer) and turn on cert-manager's Gateway API support; ${declare(name, 'tls.crt,tls.key')}`,
          ),
        ),
      );
    });
  });
}
