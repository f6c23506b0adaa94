import { describe, expect, it } from 'vitest';
import { NODE_PORT_MAX, NODE_PORT_MIN, nodePortCollisions, suggestNodePort } from '../../lib/edge/node-ports.js';
import { parseInventory, inventoryText } from '../../lib/synth/inventory.js';
import type { KubeObject } from '../../lib/model/object.js';

const service = (name: string, ...nodePorts: number[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'lab' },
  spec: { type: 'NodePort', ports: nodePorts.map((nodePort, i) => ({ name: `p${i}`, port: 80, nodePort })) },
});

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

describe('nodePortCollisions', () => {
  it('finds a node port declared by two Services, and only that one', () => {
    const collisions = nodePortCollisions([service('a', 30080), service('b', 30081), service('c', 30080)]);
    expect(collisions.map((c) => [c.port, c.services.map((s) => s.metadata.name)])).toEqual([[30080, ['a', 'c']]]);
  });

  it('finds a node port used twice within one Service', () => {
    expect(nodePortCollisions([service('a', 30080, 30080)]).map((c) => c.port)).toEqual([30080]);
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
