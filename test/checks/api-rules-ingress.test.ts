import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';

const ingress = (annotations: Record<string, string>, ingressClassName?: string): KubeObject =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', annotations },
    spec: {
      ...(ingressClassName === undefined ? {} : { ingressClassName }),
      defaultBackend: { service: { name: 'web', port: { number: 80 } } },
    },
  }) as KubeObject;
const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } };
const ingressFindings = (o: KubeObject) =>
  checkObjects([o, service])
    .findings.filter((f) => f.code === 'api/ingress')
    .map((f) => `${f.severity} ${f.path.join('.')}: ${f.message} (${f.hint})`);

describe('an Ingress that names its class both ways', () => {
  it('is refused as the API server refuses to create it, even when the annotation and the field agree', () => {
    expect(ingressFindings(ingress({ 'kubernetes.io/ingress.class': 'nginx' }, 'nginx'))).toEqual([
      'error metadata.annotations.kubernetes.io/ingress.class: annotation kubernetes.io/ingress.class ("nginx") is set beside spec.ingressClassName ("nginx"): the API server refuses to create an Ingress that names its class both ways ("can not be set when the class field is also set"), even with one value (remove the annotation and keep ingressClassName: nginx)',
    ]);
    expect(ingressFindings(ingress({ 'kubernetes.io/ingress.class': 'traefik' }, 'nginx'))).toEqual([
      'error metadata.annotations.kubernetes.io/ingress.class: annotation kubernetes.io/ingress.class ("traefik") is set beside spec.ingressClassName ("nginx"): the API server refuses to create an Ingress that names its class both ways ("can not be set when the class field is also set"), and the two name different classes (keep the class the Ingress is meant for in spec.ingressClassName and remove the annotation)',
    ]);
  });

  it('passes with either alone', () => {
    expect(ingressFindings(ingress({ 'kubernetes.io/ingress.class': 'nginx' }))).toEqual([]);
    expect(ingressFindings(ingress({}, 'nginx'))).toEqual([]);
  });
});
