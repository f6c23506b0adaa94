import { describe, expect, it } from 'vitest';
import { at, changes, MANIFESTS, OBJECTS, OBJECTS_FILE } from './helpers/output-changes.js';

describe("a ReplicationController's new template", () => {
  const lab = 'apps:\n  nginx:\n    image: nginx\n    replicas: 3\n';

  it('is warned about at the image setting: kubectl apply replaces none of its running pods', () => {
    const upgraded = lab.replace('image: nginx', 'image: nginx:1.25.3-alpine');
    expect(changes(lab, upgraded)).toEqual([
      `${at(upgraded, 'nginx:1.25.3-alpine')}: warning: ReplicationController data/nginx: its image changes from nginx to nginx:1.25.3-alpine, ` +
        'but a ReplicationController makes pods from a new template only to replace pods that go: kubectl apply changes the template, and the running pods keep the old one until they are deleted\n' +
        "  hint: after applying, delete its pods one at a time (kubectl get pods -n data -l 'app=nginx', then kubectl delete pod -n data <name>), " +
        'each replaced from the new template before the next; or run it as a Deployment, which rolls a new template out itself',
    ]);
  });

  it('is not warned about when only its replicas change', () => {
    expect(changes(lab, lab.replace('replicas: 3', 'replicas: 5'))).toEqual([]);
  });
});

describe("a ReplicationController's new selector, which the API server takes (ValidateReplicationControllerUpdate)", () => {
  const rc = (selector: string, labels = 'app: cache, tier: web') =>
    `${OBJECTS}\n---\napiVersion: v1\nkind: ReplicationController\nmetadata: { name: cache }\nspec:\n  replicas: 2\n${selector}` +
    `  template:\n    metadata: { labels: { ${labels} } }\n    spec: { containers: [{ name: cache, image: memcached:1.6 }] }\n`;
  const was = rc('  selector: { app: cache }\n');

  it('is warned about at the selector when it no longer matches the pods the controller made: they keep running, let go', () => {
    const moved = rc('  selector: { app: cache2 }\n', 'app: cache2');
    expect(changes(MANIFESTS, MANIFESTS, { was, objects: moved })).toEqual([
      `${at(moved, '{ app: cache2 }', OBJECTS_FILE)}: warning: ReplicationController data/cache: spec.selector changes from {"app":"cache"} to {"app":"cache2"}, ` +
        'which the API server takes, but the pods it made do not match the new selector: the ReplicationController lets them go and makes new ones, ' +
        'and the old pods keep running with no controller (the Services that select them still send them traffic)\n' +
        "  hint: keep the old value; or, once the new pods are ready, delete the old ones: kubectl delete pod -n data -l 'app=cache'",
    ]);
    // written in the old manifest only, the selector is the new template's labels (SetDefaults_ReplicationController on the update)
    expect(changes(MANIFESTS, MANIFESTS, { was, objects: rc('', 'app: cache2') })).toHaveLength(1);
  });

  it('is not warned about when the pods still match it: the selector left to its default, or narrowed to labels they have', () => {
    expect(changes(MANIFESTS, MANIFESTS, { was, objects: rc('') })).toEqual([]);
    expect(changes(MANIFESTS, MANIFESTS, { was, objects: rc('  selector: { app: cache, tier: web }\n') })).toEqual([]);
  });

  it('excludes the new pods from the old ones to delete when it is narrowed, since they match the old selector too', () => {
    const narrowed = rc('  selector: { app: cache, v: "2" }\n', 'app: cache, v: "2"');
    const [warning, ...others] = changes(MANIFESTS, MANIFESTS, { was, objects: narrowed });
    expect(others).toEqual([]);
    expect(warning).toContain(
      "  hint: keep the old value; or, once the new pods are ready, delete the old ones: kubectl delete pod -n data -l 'app=cache,v!=2'",
    );
    // narrowed by two labels: one the old pods lack picks them out
    const [two] = changes(MANIFESTS, MANIFESTS, {
      was,
      objects: rc('  selector: { app: cache, v: "2", w: "3" }\n', 'app: cache, v: "2", w: "3"'),
    });
    expect(two).toContain("delete the old ones: kubectl delete pod -n data -l 'app=cache,v!=2'");
  });
});

describe("a ReplicationController's template labels, when neither manifest writes its selector", () => {
  const rc = (labels: string) =>
    `${OBJECTS}\n---\napiVersion: v1\nkind: ReplicationController\nmetadata: { name: cache }\nspec:\n  replicas: 2\n` +
    `  template:\n    metadata: { labels: { ${labels} } }\n    spec: { containers: [{ name: cache, image: memcached:1.6 }] }\n`;

  it('are refused when the selector the API server gave it at creation no longer matches them: kubectl apply leaves it as it was', () => {
    const moved = rc('app: cache2');
    expect(changes(MANIFESTS, MANIFESTS, { was: rc('app: cache'), objects: moved })).toEqual([
      `${at(moved, 'cache2 }', OBJECTS_FILE)}: warning: ReplicationController data/cache: spec.template.metadata.labels.app changes from cache to cache2, ` +
        'which the API server refuses (its selector no longer matches its labels: written in neither manifest, the selector stays what the API server gave it from ' +
        'its labels when it was created, since kubectl apply leaves a field it never applied): kubectl apply fails on it\n' +
        '  hint: keep the old value; or write spec.selector, of labels the new template has, which the API server takes, letting go of the pods it made; ' +
        'or delete the ReplicationController and apply again on purpose (kubectl delete replicationcontroller cache -n data): its pods go with it',
    ]);
  });

  it('are no change to the pods when the selector still matches them: a label added lets none go', () => {
    expect(changes(MANIFESTS, MANIFESTS, { was: rc('app: cache'), objects: rc('app: cache, v: "2"') })).toEqual([]);
  });
});
