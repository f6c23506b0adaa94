import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { toProblem } from '../../lib/checks/finding.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { compareProblems, formatProblem } from '../../lib/errors.js';
import type { KubeObject } from '../../lib/model/object.js';
import { checkSchema, requiresNullable } from '../../lib/checks/schema.js';
import { kubernetesSchemas } from '../../lib/checks/k8s-schema.js';
import { widgetCrd } from '../helpers/widget-crd.js';
import { MANIFESTS, findingsIn } from './helpers.js';

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

  it("accepts a StatefulSet's volumeClaimTemplates without apiVersion and kind, and checks them when given", () => {
    expect(findingsIn(['schema/volume-claim-templates.yaml'])).toEqual([
      'schema/volume-claim-templates.yaml:45:13: StatefulSet mysql: spec.volumeClaimTemplates[2].kind: must be "PersistentVolumeClaim" (found "PersistentVolume")',
      'schema/volume-claim-templates.yaml:52:22: StatefulSet mysql: spec.volumeClaimTemplates[2].spec.resources.requests.storage: "2Gib" is not a valid quantity',
    ]);
  });

  it('reads an explicit null as an absent field, as the API server decodes it (Helm renders an empty value so)', () => {
    expect(findingsIn(['schema/null-fields.yaml'])).toEqual([
      "schema/null-fields.yaml:47:3: Pod no-containers: spec: required field 'containers' is missing",
    ]);
  });

  it('walks an object for its nulls only when it fails as it is: one that passes passes without them (a fleet stage of 15,000)', () => {
    // a ControllerRevision's data is free-form ({}): the validator never reads it, the walk for nulls reads every mapping
    let read = 0;
    const counted =
      <A extends unknown[], R>(trap: (...args: A) => R) =>
      (...args: A): R => {
        read++;
        return trap(...args);
      };
    const data = new Proxy(
      { raw: { replicas: 2 } },
      { ownKeys: counted(Reflect.ownKeys), get: counted(Reflect.get), getPrototypeOf: counted(Reflect.getPrototypeOf) },
    );
    const revision = (number: unknown) =>
      ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'web-1' }, revision: number, data }) as unknown as KubeObject;
    expect(checkSchema(revision(1))).toEqual([]);
    expect(read).toBe(0);
    // one that fails is read as the API server decodes it, its nulls taken out: the same findings as ever
    expect(checkSchema(revision('1')).map((f) => [f.code, f.path.join('.'), f.message])).toEqual([
      ['schema/type', 'revision', 'must be an integer (found "1")'],
    ]);
    expect(read).toBeGreaterThan(0);
  });

  it("reads a null required field of a free-form schema as missing, before validating (StorageVersion's spec: the only such kind)", () => {
    // `{}` takes null: as it is, spec: null would pass; without its nulls spec is missing, as the API server decodes it
    const storageVersion = {
      apiVersion: 'internal.apiserver.k8s.io/v1alpha1',
      kind: 'StorageVersion',
      metadata: { name: 'v' },
      spec: null,
    };
    expect(checkSchema(storageVersion as unknown as KubeObject).map((f) => [f.code, f.message])).toEqual([
      ['schema/required', "required field 'spec' is missing"],
    ]);
    const kinds = [...kubernetesSchemas().kinds.values()].filter((k) => requiresNullable(k.apiVersion, k.kind)).map((k) => k.kind);
    expect(kinds.sort()).toEqual(['StorageVersion', 'StorageVersionList']);
    expect(requiresNullable('example.com/v1', 'Widget')).toBe(true);
  });

  it('refuses a null list item, saying that the API server would store it as "" rather than leave it out (args: [--port, null])', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'nginx:1.25', args: ['--port', null], command: ['run'] }] },
    };
    const [finding] = checkObjects([pod]).findings.filter((f) => f.code === 'schema/type');
    expect(finding).toMatchObject({
      severity: 'error',
      path: ['spec', 'containers', 0, 'args', 1],
      message: 'must be a string (found nothing)',
      hint: 'a list item written as null is not left out: the API server would store it as an empty value ("" for a string); write the item, "" if an empty one is meant, or remove it',
    });
    // a value of another type in a list is no null item: its hint is the type's (a number where a string goes is quoted)
    const [number] = checkObjects([{ ...pod, spec: { containers: [{ name: 'c', image: 'nginx:1.25', args: [8080] }] } }]).findings.filter(
      (f) => f.code === 'schema/type',
    );
    expect(number.hint).toBe('quote the value: unquoted, YAML reads it as a number or true/false');
  });

  it('refuses a null mapping item, saying that the API server refuses an empty one for its fields (ports: [ - ], env: [ - ])', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'nginx:1.25', ports: [null], env: [null] }] },
    };
    const found = checkObjects([pod]).findings.filter((f) => f.code === 'schema/type');
    expect(found.map((f) => [f.path.join('.'), f.message, f.hint])).toEqual(
      ['env', 'ports'].map((list) => [
        `spec.containers.0.${list}.0`,
        'must be a mapping (found nothing)',
        "a list item written as null is not left out: the API server reads it as an empty mapping, and refuses the object for the fields the item needs (a port's containerPort, an env variable's name); write the item, or remove it",
      ]),
    );
  });

  it("validates an Eviction, whose deleteOptions.kind is the definitions' only enum, instead of failing to compile its schema", () => {
    const text = [
      'apiVersion: policy/v1',
      'kind: Eviction',
      'metadata:',
      '  name: web-0',
      'deleteOptions:',
      '  kind: DeleteOption',
      '  gracePeriodSeconds: 0',
      '',
    ].join('\n');
    const manifests = parseManifests([{ file: 'eviction.yaml', text }]);
    const problems = checkObjects(manifests.objects, {})
      .findings.filter((f) => f.code.startsWith('schema/'))
      .map((f) => formatProblem(toProblem(f, manifests.locate(f))));
    expect(problems).toEqual([
      "eviction.yaml:6:9: Eviction web-0: deleteOptions.kind: must be one of 'DeleteOptions' (found \"DeleteOption\")\n  hint: did you mean 'DeleteOptions'?",
    ]);
  });

  it("says a misspelt kind at its line with the kind its apiVersion has that it meant, kustomize's own too", () => {
    const text = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomisation',
      'resources: [web.yaml]',
      '---',
      'apiVersion: apps/v1',
      'kind: Deploymnet',
      'metadata: { name: web, namespace: default }',
      '---',
      'apiVersion: v1',
      'kind: Widget',
      'metadata: { name: w, namespace: default }',
      '',
    ].join('\n');
    const manifests = parseManifests([{ file: 'kinds.yaml', text }]);
    const problems = checkObjects(manifests.objects, {})
      .findings.filter((f) => f.code === 'schema/unknown-kind')
      .map((f) => formatProblem(toProblem(f, manifests.locate(f))))
      .sort();
    expect(problems).toEqual([
      "kinds.yaml:2:7: Kustomisation #1 (no name): kind: kustomize.config.k8s.io/v1beta1 Kustomisation is not a Kubernetes 1.25 kind\n  hint: did you mean 'Kustomization'? kustomize.config.k8s.io/v1beta1 Kustomization is kustomize's configuration, which the checks skip; kustomize refuses a kustomization of kind Kustomisation ('kind should be Kustomization or Component'), and kubectl apply -f any object of a kind the cluster does not serve",
      "kinds.yaml:6:7: Deploymnet default/web: kind: apps/v1 Deploymnet is not a Kubernetes 1.25 kind\n  hint: did you mean 'Deployment'? Otherwise check the spelling of kind and apiVersion, or add the CustomResourceDefinition that defines Deploymnet",
      // no kind of v1 is near: said at the apiVersion, as before
      'kinds.yaml:9:13: Widget default/w: apiVersion: v1 Widget is not a Kubernetes 1.25 kind\n  hint: check the spelling of kind and apiVersion, or add the CustomResourceDefinition that defines it',
    ]);
  });

  it('rejects kinds that Kubernetes 1.25 does not serve and exported status, but not custom resources whose definition is present', () => {
    expect(findingsIn(['schema/unknown-kinds.yaml'])).toEqual([
      'schema/unknown-kinds.yaml:3:13: Deployment old: apiVersion: extensions/v1beta1 Deployment is not a Kubernetes 1.25 kind',
      'schema/unknown-kinds.yaml:8:13: Widget w: apiVersion: v1 Widget is not a Kubernetes 1.25 kind',
      'schema/unknown-kinds.yaml:42:9: ConfigMap exported: status: status is written by the cluster, not by manifests',
      'schema/unknown-kinds.yaml:45:13: PodSecurityPolicy psp.flannel.unprivileged: apiVersion: policy/v1beta1 PodSecurityPolicy is not a Kubernetes 1.25 kind: Kubernetes 1.25 removed PodSecurityPolicy; Pod Security admission replaces it',
      'schema/unknown-kinds.yaml:58:13: Ingress foo-tls: apiVersion: networking.k8s.io/v1beta1 Ingress is not a Kubernetes 1.25 kind',
    ]);
    expect(findingsIn(['schema/unknown-kinds.yaml'], {}, 'warning')).toEqual([]);
  });

  it('passes the zero status that kubectl create --dry-run=client -o yaml writes, on kinds that have a status only', () => {
    const doc = (kind: string, apiVersion: string, status: string, body: string) =>
      [`apiVersion: ${apiVersion}`, `kind: ${kind}`, 'metadata:', `  name: ${kind.toLowerCase()}`, body, `status: ${status}`].join('\n');
    const deployment = [
      'spec:',
      '  selector: { matchLabels: { app: web } }',
      '  template:',
      '    metadata: { labels: { app: web } }',
      '    spec: { containers: [{ name: web, image: nginx }] }',
    ].join('\n');
    const text = [
      doc('Deployment', 'apps/v1', '{}', deployment),
      doc('Service', 'v1', '{ loadBalancer: {} }', 'spec: { ports: [{ port: 80 }] }'),
      doc(
        'PodDisruptionBudget',
        'policy/v1',
        '{ currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 }',
        'spec: { minAvailable: 1, selector: { matchLabels: { app: web } } }',
      ),
      doc('StatefulSet', 'apps/v1', '{ replicas: 1 }', deployment.replace('selector:', 'serviceName: web\n  selector:')),
      doc('ConfigMap', 'v1', '{}', 'data: { a: b }'),
    ].join('\n---\n');
    const manifests = parseManifests([{ file: 'dry-run.yaml', text }]);
    const problems = checkObjects(manifests.objects, {})
      .findings.filter((f) => f.code.startsWith('schema/'))
      .map((f) => formatProblem(toProblem(f, manifests.locate(f))));
    const hint = '\n  hint: remove status from the manifest';
    expect(problems.sort()).toEqual([
      `dry-run.yaml:36:9: StatefulSet statefulset: status: status is written by the cluster, not by manifests${hint}`,
      `dry-run.yaml:43:9: ConfigMap configmap: status: status is written by the cluster, not by manifests${hint}`,
    ]);
  });

  it("refuses a CRD's selectableFields, which the 1.25 API server refuses, saying the release that added it rather than guessing a misspelling", () => {
    const [finding] = checkObjects(
      parseManifests([
        {
          file: 'crd.yaml',
          text: readFileSync(join(MANIFESTS, 'crds/cert-manager-selectable-fields.yaml'), 'utf8'),
        },
      ]).objects,
    ).findings.filter((f) => f.severity === 'error');
    expect(finding).toMatchObject({
      code: 'schema/unknown-field',
      path: ['spec', 'versions', 0, 'selectableFields'],
      message:
        "unknown field 'selectableFields' in Kubernetes 1.25: a CustomResourceDefinition version's selectableFields came with Kubernetes 1.30, and the 1.25 API server refuses the object with it (kubectl apply: strict decoding error)",
      hint: expect.stringContaining("remove 'selectableFields'"),
    });
    // the same for the other fields of the table, and only where the field is unknown
    const pod = (spec: object) =>
      checkObjects([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec }]).findings.filter(
        (f) => f.code === 'schema/unknown-field',
      );
    const container = { name: 'c', image: 'nginx:1.25' };
    expect(pod({ containers: [{ ...container, resizePolicy: [] }], schedulingGates: [] }).map((f) => f.message)).toEqual([
      "unknown field 'resizePolicy' in Kubernetes 1.25: a container's resizePolicy came with Kubernetes 1.27, and the 1.25 API server refuses the object with it (kubectl apply: strict decoding error)",
      "unknown field 'schedulingGates' in Kubernetes 1.25: a pod's schedulingGates came with Kubernetes 1.26, and the 1.25 API server refuses the object with it (kubectl apply: strict decoding error)",
    ]);
    expect(pod({ containers: [{ ...container, imagee: 'x' }] }).map((f) => f.message)).toEqual([
      "unknown field 'imagee'; did you mean 'image'?",
    ]);
  });

  it("says that AppArmor was an annotation in 1.25, for a securityContext's appArmorProfile (a chart made for 1.30 on), and names the other later fields of a pod", () => {
    const pod = (spec: object) =>
      checkObjects([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec }]).findings.filter(
        (f) => f.code === 'schema/unknown-field',
      );
    const profile = { appArmorProfile: { type: 'RuntimeDefault' } };
    const found = pod({
      securityContext: profile,
      containers: [
        {
          name: 'c',
          image: 'nginx:1.25',
          securityContext: profile,
          lifecycle: { preStop: { sleep: { seconds: 5 } } },
          volumeMounts: [{ name: 'v', mountPath: '/v', readOnly: true, recursiveReadOnly: 'Enabled' }],
        },
      ],
      volumes: [{ name: 'v', emptyDir: {} }],
    });
    expect(found.map((f) => `${f.path.join('.')}: ${f.message.split(': ')[1]}`)).toEqual([
      "spec.containers.0.lifecycle.preStop.sleep: a lifecycle hook's sleep came with Kubernetes 1.29, and the 1.25 API server refuses the object with it (kubectl apply",
      "spec.containers.0.securityContext.appArmorProfile: a container's securityContext.appArmorProfile came with Kubernetes 1.30, and the 1.25 API server refuses the object with it (kubectl apply",
      "spec.containers.0.volumeMounts.0.recursiveReadOnly: a volume mount's recursiveReadOnly came with Kubernetes 1.30, and the 1.25 API server refuses the object with it (kubectl apply",
      "spec.securityContext.appArmorProfile: a pod's securityContext.appArmorProfile came with Kubernetes 1.30, and the 1.25 API server refuses the object with it (kubectl apply",
    ]);
    expect(found[1].hint).toBe(
      "in Kubernetes 1.25 AppArmor is the pod's annotation container.apparmor.security.beta.kubernetes.io/<container name>: runtime/default " +
        "(or localhost/<profile>, unconfined): remove 'appArmorProfile' and annotate the pod template, or take the release of the manifests made for Kubernetes 1.25",
    );
  });

  it('says so for a later field where it sits only (a sidecar init container, a CEL rule), with a hint of its own where removing it is not enough', () => {
    const pod = (spec: object) =>
      checkObjects([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec }]).findings.filter(
        (f) => f.code === 'schema/unknown-field',
      );
    const container = { name: 'c', image: 'nginx:1.25' };
    const [sidecar, ...others] = pod({
      initContainers: [{ ...container, name: 'proxy', restartPolicy: 'Always' }],
      containers: [container],
    });
    expect(others).toEqual([]);
    expect([sidecar.message, sidecar.hint]).toEqual([
      "unknown field 'restartPolicy' in Kubernetes 1.25: an init container's restartPolicy (a sidecar, restartPolicy: Always) came with Kubernetes 1.28, and the 1.25 API server refuses the object with it (kubectl apply: strict decoding error)",
      "run the sidecar among the containers instead, without 'restartPolicy' (an init container of 1.25 must finish before the others start), or take the release of the manifests made for Kubernetes 1.25",
    ]);
    // a pod's resizePolicy is no container's: no release to name, and no CRD wording in the hint of a container's
    expect(pod({ containers: [container], resizePolicy: [] }).map((f) => f.message)).toEqual([
      "unknown field 'resizePolicy'; did you mean 'restartPolicy'?",
    ]);
    expect(pod({ containers: [{ ...container, resizePolicy: [] }] }).map((f) => f.hint)).toEqual([
      "remove 'resizePolicy', or take the release of the manifests made for Kubernetes 1.25",
    ]);
    const crd = widgetCrd('Namespaced', {
      min: '{ type: integer, x-kubernetes-validations: [{ rule: "self >= 0", messageExpression: "\'negative\'", reason: FieldValueInvalid, fieldPath: ".min" }] }',
    });
    expect(
      checkObjects(parseManifests([{ file: 'crd.yaml', text: crd }]).objects)
        .findings.filter((f) => f.code === 'schema/unknown-field')
        .map((f) => f.message.split(':')[1]),
    ).toEqual([
      " a CRD validation rule's fieldPath came with Kubernetes 1.28, and the 1.25 API server refuses the object with it (kubectl apply",
      " a CRD validation rule's messageExpression came with Kubernetes 1.27, and the 1.25 API server refuses the object with it (kubectl apply",
      " a CRD validation rule's reason came with Kubernetes 1.28, and the 1.25 API server refuses the object with it (kubectl apply",
    ]);
  });

  it("says the apiVersion 1.25 serves a kind as, and what else to rewrite when its fields changed on the way (an Ingress's backends)", () => {
    const text = readFileSync(join(MANIFESTS, 'schema/unknown-kinds.yaml'), 'utf8');
    const manifests = parseManifests([{ file: 'unknown-kinds.yaml', text }]);
    const hints = checkObjects(manifests.objects, {})
      .findings.filter((f) => f.code === 'schema/unknown-kind' && f.object.kind !== 'Widget')
      .map((f) => `${f.object.kind}: ${f.hint}`)
      .sort();
    expect(hints).toEqual([
      "Deployment: Kubernetes 1.25 serves Deployment as apiVersion apps/v1; spec.selector is required (the old apiVersion defaulted it to the template's labels: write them as spec.selector.matchLabels) and cannot change once the object exists; spec.rollbackTo is gone (kubectl rollout undo instead)",
      'Ingress: Kubernetes 1.25 serves Ingress as apiVersion networking.k8s.io/v1; there a backend is service: { name, port: { number } } (for serviceName and servicePort; port: { name } for a named servicePort), spec.backend is spec.defaultBackend, and every path has a pathType (Prefix, Exact or ImplementationSpecific)',
      "PodSecurityPolicy: remove it, and the RBAC rules that grant 'use' of it; to enforce the Pod Security Standards in the cluster, label the Namespace pod-security.kubernetes.io/enforce: baseline (or restricted). stagecraft checks every pod against them itself (checks.podSecurity in a stage file, --pod-security restricted for npm run check)",
    ]);
  });

  it('says to remove the quotes around a number only where the bare number is one (3), not where it has a leading 0 (010, octal to YAML 1.1)', () => {
    const deployment = (replicas: string): KubeObject =>
      ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          replicas,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
        },
      }) as unknown as KubeObject;
    const hints = (replicas: string) =>
      checkObjects([deployment(replicas)])
        .findings.filter((f) => f.code === 'schema/type')
        .map((f) => `${f.path.join('.')}: ${f.hint}`);
    expect(hints('3')).toEqual(['spec.replicas: remove the quotes around the value: quoted, YAML reads it as a string']);
    expect(hints('010')).toEqual(['spec.replicas: write an integer here']);
    expect(hints('-0')).toEqual(['spec.replicas: remove the quotes around the value: quoted, YAML reads it as a string']);
  });

  it("says how to write a volume's file mode quoted in octal (\"0777\"), which neither removing the quotes nor 'an integer' mends", () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: { name: p, namespace: default }',
      'spec:',
      '  containers: [{ name: c, image: "busybox:1.36" }]',
      '  volumes:',
      '    - name: cfg',
      '      configMap: { name: cfg, defaultMode: "0777", items: [{ key: k, path: k, mode: "0644" }] }',
    ].join('\n');
    const [pod] = parseManifests([{ file: 'pod.yaml', text }]).objects;
    const hint =
      'write the number without quotes, in decimal or with 0o (a mode of 0644 is 420 or 0o644): a leading 0 alone is octal to kubectl (YAML 1.1) and decimal to stagecraft (YAML 1.2), and refused bare';
    expect(
      checkObjects([pod])
        .findings.filter((f) => f.code === 'schema/type')
        .map((f) => `${f.path.join('.')}: ${f.hint}`),
    ).toEqual([`spec.volumes.0.configMap.defaultMode: ${hint}`, `spec.volumes.0.configMap.items.0.mode: ${hint}`]);
  });

  it('says what mends a file mode quoted otherwise ("0o644", "644", "400", "0999"): never to unquote digits that bare are another mode', () => {
    const hint = (mode: string) => {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'default' },
        spec: {
          containers: [{ name: 'c', image: 'busybox:1.36' }],
          volumes: [{ name: 'cfg', configMap: { name: 'cfg', defaultMode: mode } }],
        },
      } as unknown as KubeObject;
      return checkObjects([pod]).findings.find((f) => f.code === 'schema/type')?.hint;
    };
    // bare, 0o644 is 420 to kubectl and stagecraft alike
    expect(hint('0o644')).toBe('remove the quotes around the value: quoted, YAML reads it as a string');
    // bare, 644 is no mode (the API server refuses it) and 400 the mode 0620, which lets the group write
    expect(hint('644')).toBe(
      'write 420 or 0o644 without quotes (the mode 0644): a mode is a number, and 644 bare is the decimal 644, not 0644',
    );
    expect(hint('400')).toBe(
      'write 256 or 0o400 without quotes (the mode 0400): a mode is a number, and 400 bare is the decimal 400, not 0400',
    );
    // 420 is 0644 as meant
    expect(hint('420')).toBe('remove the quotes around the value: quoted, YAML reads it as a string');
    expect(hint('0999')).toBe(
      'write the mode without quotes, as a decimal number from 0 to 511 or in octal with 0o (a mode of 0644 is 420 or 0o644)',
    );
  });

  it('names the YAML tag of a value read with one (!!timestamp, !!binary, !!set, !!omap), not a mapping, and says what to write', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: tagged',
      '  annotations:',
      '    when: !!timestamp 2001-12-14',
      'data:',
      '  bytes: !!binary aGVsbG8=',
      '  set: !!set {a, b}',
      '  ordered: !!omap [{a: 1}]',
      '',
    ].join('\n');
    const manifests = parseManifests([{ file: 'tagged.yaml', text }]);
    const problems = checkObjects(manifests.objects, {})
      .findings.filter((f) => f.code === 'schema/type')
      .map((f) => toProblem(f, manifests.locate(f)))
      .sort(compareProblems)
      .map(formatProblem);
    expect(problems).toEqual([
      'tagged.yaml:6:23: ConfigMap tagged: metadata.annotations.when: must be a string (found a YAML !!timestamp value)\n' +
        '  hint: drop the !!timestamp tag and quote the value ("2001-12-14"): a date is a string here',
      'tagged.yaml:8:19: ConfigMap tagged: data.bytes: must be a string (found a YAML !!binary value)\n' +
        '  hint: drop the !!binary tag: base64 text is a string here',
      'tagged.yaml:9:14: ConfigMap tagged: data.set: must be a string (found a YAML !!set value)\n' +
        '  hint: drop the !!set tag: a set is written as a list ([a, b]) here',
      'tagged.yaml:10:19: ConfigMap tagged: data.ordered: must be a string (found a YAML !!omap value)\n' +
        '  hint: drop the !!omap tag: an ordered mapping is written as a mapping ({a: 1, b: 2}) here',
    ]);
  });
});

describe('a StatefulSet exported with kubectl get -o yaml', () => {
  const statefulSet = (claim: Record<string, unknown>, status?: unknown): KubeObject =>
    ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16.1' }] } },
        volumeClaimTemplates: [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            ...claim,
          },
        ],
      },
      ...(status === undefined ? {} : { status }),
    }) as KubeObject;

  it("passes with its claim templates' status, which the API server sets there (phase: Pending) and takes, but not with a status of its own", () => {
    expect(checkSchema(statefulSet({ status: { phase: 'Pending' } }))).toEqual([]);
    expect(
      checkSchema(statefulSet({ status: { phase: 'Pending' } }, { replicas: 3, readyReplicas: 3 })).map(
        (f) => `${f.code} ${f.path.join('.')}`,
      ),
    ).toEqual(['schema/status status']);
    // the rest of a claim template is checked as before
    expect(checkSchema(statefulSet({ status: {}, spek: {} })).map((f) => `${f.code} ${f.path.join('.')}`)).toEqual([
      'schema/unknown-field spec.volumeClaimTemplates.0.spek',
    ]);
  });
});
