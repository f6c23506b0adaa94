import { describe, expect, it } from 'vitest';
import { NODE_PORT_MAX, NODE_PORT_MIN, suggestNodePort } from '../../lib/edge/node-ports.js';
import { parseInventory, inventoryText } from '../../lib/synth/inventory.js';
import { compileStages } from '../../lib/compile.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';
import { FILE, oneNodeEdge } from './helpers.js';

/** The exit code and the errors (formatted) compiling `text` as stage `edge` fails with. */
function failure(text: string): { exitCode: number; errors: string[] } {
  try {
    compileStages([{ stage: 'edge', file: FILE, text }]);
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    return { exitCode: e.exitCode, errors: e.problems.filter((p) => p.severity !== 'warning').map(formatProblem) };
  }
  throw new Error('the stage compiled without a problem');
}

describe('suggestNodePort', () => {
  it('gives the same port for the same app and the same ports in use, within the node port range', () => {
    const a = suggestNodePort('lab/nginx', new Set());
    expect(suggestNodePort('lab/nginx', new Set())).toBe(a);
    expect(a).toBeGreaterThanOrEqual(NODE_PORT_MIN);
    expect(a).toBeLessThanOrEqual(NODE_PORT_MAX);
    expect(suggestNodePort('qa/nginx', new Set())).not.toBe(a);
  });

  it('skips ports in use, wrapping around at the top of the range', () => {
    const a = suggestNodePort('lab/nginx', new Set());
    expect(suggestNodePort('lab/nginx', new Set([a]))).toBe(a === NODE_PORT_MAX ? NODE_PORT_MIN : a + 1);
    const all = new Set(Array.from({ length: NODE_PORT_MAX - NODE_PORT_MIN }, (_, i) => NODE_PORT_MIN + i)); // all but the last
    expect(suggestNodePort('lab/nginx', all)).toBe(NODE_PORT_MAX);
  });
});

describe('a node port two settings give', () => {
  it("is refused at the setting, a blue/green color's included, with a free port, exit 2", () => {
    const { exitCode, errors } = failure(`
${oneNodeEdge('demoapp')}  nginx: { replicas: 1, readinessPath: /, service: { type: NodePort, nodePort: 30191 } }
  demoapp:
    blueGreen: { live: blue, blue: demoapp:1, green: demoapp:1 }
    replicas: 1
    probes: { readiness: { http: { path: /ready } } }
    service: { colorNodePorts: { blue: 30191, green: 30192 } }
    database:
      storage: 1Gi
      secret: { name: mysqlsecret, keys: [username, password, database] }
      backup: { schedule: "0 2 * * *", storage: 1Gi }
`);
    expect(exitCode).toBe(2);
    expect(errors[0]).toMatch(
      /^environments\/edge\.yaml:11:80: apps\.nginx\.service\.nodePort gives Service edge\/nginx node port 30191, which apps\.demoapp\.service\.colorNodePorts\.blue gives Service edge\/demoapp-blue too: .*\n {2}hint: give it a free node port, e\.g\. \d+ \(free in stage edge; 30000-32767\)$/,
    );
    const free = Number(/e\.g\. (\d+) /.exec(errors[0]!)![1]);
    expect([30191, 30192]).not.toContain(free);
    // said once, at the settings: not again by the check over the objects, without a place
    expect(errors).toHaveLength(1);
  });

  it("is refused at a service app's port in a stage without an edge too", () => {
    const { exitCode, errors } = failure(`
apps:
  web: { stack: nginx, replicas: 1, service: { type: NodePort, nodePort: 30200 } }
  api:
    stack: service
    image: team/api:1
    ports: { http: { port: 8080, nodePort: 30200 } }
    service: { type: NodePort }
`);
    expect(exitCode).toBe(2);
    expect(errors[0]).toMatch(
      /^environments\/edge\.yaml:3:74: apps\.web\.service\.nodePort gives Service edge\/web node port 30200, which apps\.api\.ports\.http\.nodePort gives Service edge\/api too: /,
    );
    expect(errors).toHaveLength(1);
  });
});

describe('the inventory with edge files', () => {
  it('lists them after the objects, and parseInventory leaves them out of the objects', () => {
    const text = inventoryText({
      stage: 'lab',
      source: 'environments/lab.yaml',
      sourceDigest: 'sha256:0',
      compilerVersion: '0.1.0',
      distDir: 'dist',
      objects: [{ apiVersion: 'v1', kind: 'Service', namespace: 'lab', name: 'nginx', digest: 'sha256:1' }],
      nodeFiles: [],
      edgeFiles: [{ path: 'edge/haproxy.cfg', digest: 'sha256:2' }],
    });
    expect(text.endsWith('objects: 1\nsha256:1 v1 Service lab/nginx\nedge files: 1\nsha256:2 edge/haproxy.cfg\n')).toBe(true);
    expect([...parseInventory(text).keys()]).toEqual(['v1 Service lab/nginx']);
  });
});
