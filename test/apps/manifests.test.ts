import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStages, type StageSource } from '../../lib/compile.js';
import { openProject, readSource } from '../../lib/cli/project.js';
import { REPO } from '../helpers/cli.js';
import { problemsThrownBy } from '../helpers/problems.js';

const FIXTURE = 'test/fixtures/stages/imported.yaml';
const project = openProject(REPO);
const fromRepo = (text: string, stage = 'imported'): StageSource => ({
  stage,
  file: FIXTURE,
  text,
  readSource: (p) => readSource(project, p),
});
/** A stage whose included files are `files` (path -> text) instead of the repository's. */
const withFiles = (files: Record<string, string>, settings = 'include: [in]'): StageSource => ({
  stage: 'imported',
  file: 'environments/imported.yaml',
  text: `apps:\n  legacy:\n    stack: manifests\n    ${settings}\n`,
  readSource: (p) => {
    const found = Object.entries(files).filter(([f]) => f === p || f.startsWith(`${p}/`));
    return found.length ? new Map(found) : undefined;
  },
});
const objectsOf = (source: StageSource) => compileStages([source]).stages[0].charts.flatMap((c) => c.objects);
const problemsOf = (source: StageSource) => problemsThrownBy(() => compileStages([source]));

describe('the manifests stack', () => {
  it("brings section E's corrected YAML through the namespace, labels and checks without an error", () => {
    const compiled = compileStages([fromRepo(readFileSync(join(REPO, FIXTURE), 'utf8'))]);
    const objects = compiled.stages[0].charts.flatMap((c) => c.objects);
    const names = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? '-'}/${o.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Namespace/-/imported',
        'PersistentVolume/-/mysqlvolume',
        'PersistentVolumeClaim/imported/mysql',
        'ReplicationController/imported/mysql-1',
        'Service/imported/mysql',
        'Deployment/imported/demoapp',
        'Service/imported/demoapp',
      ]),
    );
    const rc = objects.find((o) => o.kind === 'ReplicationController')!;
    expect(rc.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'manifests',
      'app.kubernetes.io/instance': 'section-e-imported',
      'app.kubernetes.io/version': '1',
    });
    expect(compiled.checks.get('imported')!.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('keeps a namespace the manifest names, and substitutes ARM images on an ARM stage', () => {
    const source = withFiles({
      'in/a.yaml':
        'apiVersion: v1\nkind: ReplicationController\nmetadata: { name: r, namespace: kube-system }\nspec:\n  replicas: 1\n  selector: { app: r }\n  template:\n    metadata: { labels: { app: r } }\n    spec: { containers: [{ name: r, image: "registry:2" }] }\n',
    });
    const [rc] = objectsOf({ ...source, text: `architecture: arm\n${source.text}` }).filter((o) => o.kind === 'ReplicationController');
    expect(rc.metadata.namespace).toBe('kube-system');
    expect(JSON.stringify(rc.spec)).toContain('budry/registry-arm');
  });

  it('passes custom resources to the checks, with the namespace and labels of the stage', () => {
    const cr =
      'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: { name: web }\nspec: { secretName: web-tls, dnsNames: [web.example.com], issuerRef: { name: letsencrypt, kind: ClusterIssuer } }\n';
    const source = withFiles({ 'in/cert.yaml': cr });
    // whether a Certificate passes depends on whether the checks know its CRD (lib/checks): either
    // way it reaches them transformed, named with the stage's namespace
    const problems = problemsOf(source);
    if (problems.length) {
      expect(problems.map((p) => `${p.subject ?? ''} ${p.message}`).join('\n')).toContain('Certificate imported/web');
    } else {
      const [cert] = objectsOf(source).filter((o) => o.kind === 'Certificate');
      expect(cert.metadata).toMatchObject({ namespace: 'imported', labels: { 'app.kubernetes.io/name': 'manifests' } });
    }
  });

  it('refuses a Secret with values, as everywhere', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata: { password: ZGVtb3Bhc3N3b3Jk }\n';
    expect(problemsOf(withFiles({ 'in/secret.yaml': secret })).map((p) => p.code)).toContain('policy/secret-value');
  });

  it('says where a path names nothing, and where an included document is not an object', () => {
    const [missing] = problemsOf(withFiles({}, 'include: [nowhere]'));
    expect(missing).toMatchObject({ code: 'config/missing-file', location: { file: 'environments/imported.yaml', line: 4, column: 15 } });
    expect(missing.message).toBe("apps.legacy.include[0] names no file or folder of the project with manifests (found 'nowhere')");
    const [bad] = problemsOf(withFiles({ 'in/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n- just a list\n' }));
    expect(bad).toMatchObject({ code: 'manifests/not-an-object', location: { file: 'in/x.yaml', line: 5, column: 1 } });
  });

  it('refuses paths that leave the project', () => {
    expect(problemsOf(withFiles({}, 'include: [../secrets]'))[0].message).toContain(
      'apps.legacy.include[0] must be a path relative to the project root',
    );
    expect(readSource(project, '../shared')).toBeUndefined();
  });
});
