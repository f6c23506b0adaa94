/** A StatefulSet's governing Service (lib/checks/stateful-sets.ts, `refs/statefulset-service`). */
import { describe, expect, it } from 'vitest';
import { toProblem } from '../../lib/checks/finding.js';
import { type CheckOptions, checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { formatProblem } from '../../lib/errors.js';

const SET = `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: default }
spec:
  serviceName: db-hl
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers: [{ name: db, image: postgres:16.2, ports: [{ name: pg, containerPort: 5432 }] }]
---
`;
const service = (spec: string, name = 'db-hl') => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec: ${spec}
`;

function said(text: string, options: CheckOptions = {}): string[] {
  const manifests = parseManifests([{ file: 'db.yaml', text: SET + text }]);
  return checkObjects(manifests.objects, options)
    .findings.filter((f) => f.code === 'refs/statefulset-service')
    .map((f) => formatProblem(toProblem(f, manifests.locate(f))));
}

describe("a StatefulSet's governing Service", () => {
  it('headless and selecting its pods is no finding', () => {
    expect(said(service('{ clusterIP: None, selector: { app: db }, ports: [{ name: pg, port: 5432 }] }'))).toEqual([]);
    // one without a selector has the endpoints someone writes
    expect(said(service('{ clusterIP: None, ports: [{ name: pg, port: 5432 }] }'))).toEqual([]);
  });

  it('not there leaves its pods without DNS names (a warning), with the name meant or how to declare one made outside', () => {
    expect(said(service('{ clusterIP: None, selector: { app: db }, ports: [{ port: 5432 }] }', 'db-h1'))).toEqual([
      "db.yaml:5:16: warning: StatefulSet default/db: spec.serviceName: is governed by Service 'db-hl', but the Services in namespace 'default' are: db-h1; its pods get no DNS names of their own (db-0.db-hl.default.svc, by which its members find each other) until it exists\n" +
        "  hint: did you mean 'db-h1'? Otherwise add a headless Service of that name (clusterIP: None) that selects the pods",
    ]);
    expect(said('')).toEqual([
      expect.stringContaining(
        "hint: fix the name, or add a headless Service of that name (clusterIP: None) that selects the pods; if 'db-hl' is made outside these files, declare it: npm run check -- --object-exists Service/default/db-hl <files>",
      ),
    ]);
    expect(said('', { existingObjects: ['Service/default/db-hl'] })).toEqual([]);
  });

  it('not headless, or selecting other pods, leaves them without DNS names too', () => {
    expect(said(service('{ selector: { app: db }, ports: [{ port: 5432 }] }'))).toEqual([
      expect.stringContaining(
        "is governed by Service 'db-hl', which is not headless (no clusterIP: the cluster gives it one): its pods get no DNS names of their own",
      ),
    ]);
    expect(said(service('{ clusterIP: None, selector: { app: database }, ports: [{ port: 5432 }] }'))).toEqual([
      expect.stringContaining("is governed by Service 'db-hl', whose selector (app=database) does not select its pods (app=db)"),
    ]);
  });
});
