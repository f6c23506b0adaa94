import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';

const classFindings = (o: KubeObject) =>
  checkObjects([o])
    .findings.filter((f) => f.code === 'api/class')
    .map((f) => `${f.path.join('.')}: ${f.message}`);
const priority = (name: string, value: number, more: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...more }) as KubeObject;

describe('a PriorityClass', () => {
  it("passes at the users' highest value, 1,000,000,000, and is refused above it", () => {
    expect(classFindings(priority('high-priority', 1_000_000, { description: 'For critical pods only.' }))).toEqual([]);
    expect(classFindings(priority('highest', 1_000_000_000))).toEqual([]);
    expect(classFindings(priority('too-high', 2_000_000_000))).toEqual([
      "value: value 2000000000 is above 1,000,000,000, the highest a PriorityClass other than the system's may have: the API server refuses it",
    ]);
  });

  it("is refused with a name of the system's prefix, unless it is one of the system's as the API server makes it", () => {
    expect(classFindings(priority('system-cluster-critical', 2_000_000_000))).toEqual([]);
    expect(classFindings(priority('system-node-critical', 2_000_001_000))).toEqual([]);
    // the system's own class written with another value (or as the default) is said to be so, not to need another name
    expect(classFindings(priority('system-node-critical', 1000))).toEqual([
      `value: system-node-critical is the API server's own PriorityClass, which may be written only as it makes it (value 2000001000, globalDefault false): it refuses value 1000 ("value of system-node-critical PriorityClass must be 2000001000")`,
    ]);
    expect(classFindings(priority('system-cluster-critical', 2_000_000_000, { globalDefault: true }))).toEqual([
      `globalDefault: system-cluster-critical is the API server's own PriorityClass, which may be written only as it makes it (value 2000000000, globalDefault false): it refuses globalDefault true ("globalDefault of system-cluster-critical PriorityClass must be false")`,
    ]);
    expect(classFindings(priority('system-batch', 1000))).toEqual([
      "metadata.name: the name 'system-batch' starts with 'system-', which the API server keeps for its own PriorityClasses (system-node-critical, system-cluster-critical, as it makes them): it refuses this one",
    ]);
  });

  it('of another group is none of this', () => {
    expect(classFindings({ ...priority('x', 2_000_000_000), apiVersion: 'example.com/v1' })).toEqual([]);
  });
});

describe('a RuntimeClass', () => {
  const runtime = (handler: unknown): KubeObject =>
    ({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler }) as KubeObject;

  it('passes with a handler that is a DNS label (runsc, kata-qemu), and is refused with another', () => {
    expect(classFindings(runtime('runsc'))).toEqual([]);
    expect(classFindings(runtime('kata-qemu'))).toEqual([]);
    expect(classFindings(runtime('run_sc'))).toEqual([
      `handler: handler "run_sc" is no DNS label (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit): the API server refuses it`,
    ]);
    expect(classFindings(runtime('Runsc'))).toHaveLength(1);
    expect(classFindings(runtime('a'.repeat(64)))).toHaveLength(1);
  });
});
