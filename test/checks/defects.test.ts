import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { MANIFESTS, findingsIn } from './helpers.js';

describe("the seven known defects of the spec's articles", () => {
  it('rejects a misspelled field (image~) and says which field was meant', () => {
    expect(findingsIn(['defects/1-misspelled-field.yaml'])).toEqual([
      "defects/1-misspelled-field.yaml:10:7: Pod demoapp: spec.containers[0]: container 'demoapp' has no image",
      "defects/1-misspelled-field.yaml:11:7: Pod demoapp: spec.containers[0].image~: unknown field 'image~'; did you mean 'image'?",
    ]);
  });

  it('rejects the quantity 2Gib', () => {
    expect(findingsIn(['defects/2-quantity.yaml'])).toEqual([
      'defects/2-quantity.yaml:8:14: PersistentVolume mysqlvolume: spec.capacity.storage: "2Gib" is not a valid quantity',
    ]);
  });

  it('rejects a claimName that names no claim, listing the claims there are', () => {
    expect(findingsIn(['defects/3-dangling-claim.yaml'])).toEqual([
      "defects/3-dangling-claim.yaml:33:20: Pod test/mysql: spec.volumes[0].persistentVolumeClaim.claimName: volume 'storage' claims 'mysqlvolume', but the claims in namespace 'test' are: mysql",
    ]);
  });

  it('rejects reading a key the Secret does not declare', () => {
    expect(findingsIn(['defects/4-secret-key.yaml'])).toEqual([
      "defects/4-secret-key.yaml:35:19: Deployment demoapp: spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef: container 'demoapp' env DB_SCHEMA reads key 'database' of Secret 'mysqlsecret', which has the keys: password, username",
    ]);
  });

  it('rejects a Service port that no selected container listens on', () => {
    expect(findingsIn(['defects/5-target-port.yaml'])).toEqual([
      'defects/5-target-port.yaml:10:13: Service mysql: spec.ports[0].port: port 8080 targets port 8080 (no targetPort: the same as port), but the selected pods (ReplicationController mysql-1) listen on: 3306',
    ]);
  });

  it('rejects apiVersion and kind in a pod template, and a Pod without a name', () => {
    expect(findingsIn(['defects/6-template-kind.yaml'])).toEqual([
      "defects/6-template-kind.yaml:11:5: ReplicationController mysql-1: spec.template.apiVersion: unknown field 'apiVersion'",
      "defects/6-template-kind.yaml:12:5: ReplicationController mysql-1: spec.template.kind: unknown field 'kind'",
      "defects/6-template-kind.yaml:24:3: Pod #1 (no name): metadata: required field 'name' is missing",
    ]);
  });

  it('rejects a committed Secret holding base64 values', () => {
    expect(findingsIn(['defects/7-committed-secret.yaml'])).toEqual([
      "defects/7-committed-secret.yaml:8:13: Secret mysqlsecret: data.username: holds a value for key 'username' (base64 is an encoding, not encryption); secret values must not be committed",
      "defects/7-committed-secret.yaml:9:13: Secret mysqlsecret: data.password: holds a value for key 'password' (base64 is an encoding, not encryption); secret values must not be committed",
    ]);
  });

  it('rejects the base64 values an exported Secret still carries in its last-applied-configuration annotation', () => {
    expect(findingsIn(['defects/7-exported-secret.yaml'])).toEqual([
      "defects/7-exported-secret.yaml:8:55: Secret mysqlsecret: metadata.annotations.kubectl.kubernetes.io/last-applied-configuration: holds the values of keys 'password', 'username' as kubectl last applied them (base64 is an encoding, not encryption); secret values must not be committed",
    ]);
  });
});

describe("the articles' YAML as written, without names added", () => {
  it('catches all seven defect classes, checking nameless pods like any other object', () => {
    expect(findingsIn(['defects/articles-as-written.yaml'])).toEqual([
      'defects/articles-as-written.yaml:9:14: PersistentVolume mysqlvolume: spec.capacity.storage: "2Gib" is not a valid quantity',
      "defects/articles-as-written.yaml:31:13: Secret mysqlsecret: data.username: holds a value for key 'username' (base64 is an encoding, not encryption); secret values must not be committed",
      "defects/articles-as-written.yaml:32:13: Secret mysqlsecret: data.password: holds a value for key 'password' (base64 is an encoding, not encryption); secret values must not be committed",
      "defects/articles-as-written.yaml:37:3: Pod #1 (no name): metadata: required field 'name' is missing",
      "defects/articles-as-written.yaml:52:20: Pod #1 (no name): spec.volumes[0].persistentVolumeClaim.claimName: volume 'storage' claims 'mysqlvolume', but the claims in namespace 'default' are: mysql",
      'defects/articles-as-written.yaml:62:13: Service mysql: spec.ports[0].port: port 8080 targets port 8080 (no targetPort: the same as port), but the selected pods (Pod #1 (no name)) listen on: 3306',
      "defects/articles-as-written.yaml:68:3: Pod #2 (no name): metadata: required field 'name' is missing",
      "defects/articles-as-written.yaml:72:7: Pod #2 (no name): spec.containers[0]: container 'demoapp' has no image",
      "defects/articles-as-written.yaml:73:7: Pod #2 (no name): spec.containers[0].image~: unknown field 'image~'; did you mean 'image'?",
      "defects/articles-as-written.yaml:80:15: Pod #2 (no name): spec.containers[0].env[0].valueFrom.secretKeyRef: container 'demoapp' env DB_SCHEMA reads key 'database' of Secret 'mysqlsecret', which has the keys: password, username",
      "defects/articles-as-written.yaml:92:5: ReplicationController demoapp: spec.template.apiVersion: unknown field 'apiVersion'",
      "defects/articles-as-written.yaml:93:5: ReplicationController demoapp: spec.template.kind: unknown field 'kind'",
      "defects/articles-as-written.yaml:117:19: Job mysql-backup-*: spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef: container 'backup' env PASSWORD reads key 'pasword' of Secret 'mysqlsecret', which has the keys: password, username",
    ]);
  });
});

describe('the hint of a reference with a typo', () => {
  it('names the nearest Secret key or Secret, as a misspelled field is told', () => {
    const text = readFileSync(join(MANIFESTS, 'defects/articles-as-written.yaml'), 'utf8').replace(
      'name: mysqlsecret\n              key: database',
      'name: mysqlsecrets\n              key: database',
    );
    const { objects } = parseManifests([{ file: 'a.yaml', text }]);
    const hints = checkObjects(objects, {})
      .findings.filter((f) => f.code === 'refs/secret-key' || f.code === 'refs/secret')
      .map((f) => `${f.code}: ${f.hint}`)
      .sort();
    expect(hints).toEqual([
      "refs/secret-key: did you mean 'password'? Otherwise add 'pasword' to the Secret (or to its stagecraft.dev/secret-keys annotation), or read another key",
      "refs/secret: did you mean 'mysqlsecret'? Otherwise add the Secret to the files checked",
    ]);
  });
});
