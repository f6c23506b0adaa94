import { describe, expect, it } from 'vitest';
import { findingsIn } from './helpers.js';

describe('the strict schema check', () => {
  it('rejects wrong types, values outside an enum, invalid quantities and missing required fields', () => {
    expect(findingsIn(['schema/types-and-enums.yaml'])).toEqual([
      'schema/types-and-enums.yaml:7:13: Deployment web: spec.replicas: must be an integer (found "3")',
      "schema/types-and-enums.yaml:11:11: Deployment web: spec.strategy.type: must be one of 'Recreate', 'RollingUpdate' (found \"BlueGreen\")",
      "schema/types-and-enums.yaml:16:22: Deployment web: spec.template.spec.restartPolicy: must be one of 'Always', 'OnFailure', 'Never' (found \"Sometimes\")",
      "schema/types-and-enums.yaml:20:28: Deployment web: spec.template.spec.containers[0].imagePullPolicy: must be one of 'Always', 'IfNotPresent', 'Never' (found \"always\")",
      "schema/types-and-enums.yaml:23:25: Deployment web: spec.template.spec.containers[0].ports[0].protocol: must be one of 'TCP', 'UDP', 'SCTP' (found \"tcp\")",
      'schema/types-and-enums.yaml:25:28: Deployment web: spec.template.spec.containers[0].resources.limits.cpu: "2 cores" is not a valid quantity',
      "schema/types-and-enums.yaml:28:34: Deployment web: spec.template.spec.volumes[0].persistentVolumeClaim: required field 'claimName' is missing",
    ]);
  });

  it('rejects kinds that Kubernetes 1.25 does not serve and exported status, but not custom resources whose definition is present', () => {
    expect(findingsIn(['schema/unknown-kinds.yaml'])).toEqual([
      'schema/unknown-kinds.yaml:3:13: Deployment old: apiVersion: extensions/v1beta1 Deployment is not a Kubernetes 1.25 kind',
      'schema/unknown-kinds.yaml:8:13: Widget w: apiVersion: v1 Widget is not a Kubernetes 1.25 kind',
      'schema/unknown-kinds.yaml:42:9: ConfigMap exported: status: status is written by the cluster, not by manifests',
    ]);
    expect(findingsIn(['schema/unknown-kinds.yaml'], {}, 'warning')).toEqual([]);
  });
});
