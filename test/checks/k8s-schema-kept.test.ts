/**
 * The Kubernetes kinds and definitions kept between runs (lib/checks/k8s-schema.ts `derived`,
 * lib/model/validator-code.ts `derivedText`): read back exactly as built, and never for another
 * compiler or other installed packages, whose key differs (lib/cli/validator-store.ts `compilerKey`).
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KubernetesSchemas } from '../../lib/checks/k8s-schema.js';
import { diskValidatorStore } from '../../lib/cli/validator-store.js';
import { compilerDigests, currentCompilerDigests, forgetCompilerDigests } from '../../lib/cli/digests.js';
import { useValidatorStore, type ValidatorStore } from '../../lib/model/validator-code.js';

/** A store in memory with the compiler key `compiler`, counting what it is asked and given. */
function memoryStore(compiler: () => string | undefined) {
  const entries = new Map<string, string>();
  const s: ValidatorStore & { entries: typeof entries; hits: number; sets: number } = {
    entries,
    hits: 0,
    sets: 0,
    get(key) {
      const text = entries.get(key);
      if (text !== undefined) s.hits++;
      return text;
    },
    set(key, text) {
      s.sets++;
      entries.set(key, text);
    },
    compilerKey: compiler,
  };
  return s;
}

/** What a KubernetesSchemas holds, as comparable data. */
const contents = (k: KubernetesSchemas) => ({ kinds: [...k.kinds], definitions: k.definitions });

afterEach(() => useValidatorStore(undefined));

describe('the kinds and definitions kept in the store', () => {
  const built = contents(new KubernetesSchemas()); // no store: built from the assembly

  it('are read back exactly as built, and give the validators the same keys', () => {
    const store = memoryStore(() => 'compiler A');
    useValidatorStore(store);
    const first = new KubernetesSchemas();
    expect(store.sets).toBe(1);
    expect(contents(first)).toEqual(built);
    first.validator('apps/v1', 'Deployment'); // compiled and kept under a key that names the definitions
    const keys = [...store.entries.keys()];

    const second = new KubernetesSchemas();
    expect(store.hits).toBe(1);
    expect(contents(second)).toEqual(built);
    second.validator('apps/v1', 'Deployment');
    expect(store.hits).toBe(2); // the validator kept by the first, under the same key
    expect([...store.entries.keys()]).toEqual(keys);
  });

  it('are built again, not read, for another compiler (any other source or installed package)', () => {
    let compiler = 'compiler A';
    const store = memoryStore(() => compiler);
    useValidatorStore(store);
    new KubernetesSchemas();
    compiler = 'compiler B';
    const other = new KubernetesSchemas();
    expect(store.hits).toBe(0);
    expect(store.sets).toBe(2);
    expect(contents(other)).toEqual(built);
  });

  it('are neither read nor kept when the compiler key is unknown (a source changed as the process started)', () => {
    const store = memoryStore(() => undefined);
    useValidatorStore(store);
    expect(contents(new KubernetesSchemas())).toEqual(built);
    expect(store.entries.size).toBe(0);
  });

  it('are built again when what is kept is not what was kept', () => {
    const store = memoryStore(() => 'compiler A');
    useValidatorStore(store);
    new KubernetesSchemas();
    const [key] = store.entries.keys();
    for (const text of ['{"kinds":', '{"kinds":{},"definitions":{},"digest":"x"}', 'null']) {
      store.entries.set(key, text);
      expect(contents(new KubernetesSchemas())).toEqual(built);
    }
  });
});

describe("the validators of every kind, kept as two modules (the kind table's kinds, and the others)", () => {
  /** Objects of many kinds, with errors of many keywords (the pod template's in three kinds). */
  const pod = {
    containers: [{ name: 'a', image: 1, ports: [{ containerPort: 'x' }], resources: { limits: { cpu: '2Gib' } } }],
    restartPolicy: 'Sometimes',
  };
  const OBJECTS = [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: { selector: {}, template: { spec: pod } } },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'a' },
      spec: { schedule: 1, jobTemplate: { spec: { template: { spec: pod } } } },
    },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { a: 1 } }, spec: pod, extra: true },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { type: 'Nodeport', ports: [{ port: 'http' }] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { a: 1 } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'a' }, rules: [{ verbs: 'get' }] },
    // kinds the kind table (lib/model/kinds.ts) does not have: the other module
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'a' }, value: 'high' },
    { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'a' }, spec: { holderIdentity: 1, extra: true } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ok' },
      spec: { selector: {}, template: { spec: { containers: [{ name: 'a' }] } } },
    },
  ];
  const answers = (k: KubernetesSchemas) =>
    OBJECTS.map((o) => {
      const validate = k.validator(o.apiVersion, o.kind)!;
      return [validate(o), validate.errors];
    });

  it('answer as each kind compiled alone, made once and then loaded', () => {
    const alone = answers(new KubernetesSchemas()); // no store: each kind compiled when asked
    expect(alone.filter(([valid]) => !valid)).toHaveLength(OBJECTS.length - 1);
    const store = memoryStore(() => 'compiler A');
    useValidatorStore(store);
    expect(answers(new KubernetesSchemas())).toEqual(alone);
    const kept = store.entries.size;
    expect(answers(new KubernetesSchemas())).toEqual(alone);
    expect(store.entries.size).toBe(kept); // loaded, nothing kept again
  });

  it("are made and loaded a module at a time: a run of the kind table's kinds alone makes one", () => {
    const store = memoryStore(() => 'compiler B');
    useValidatorStore(store);
    new KubernetesSchemas(); // keeps the kinds and definitions it derives
    const before = store.entries.size;
    const schemas = new KubernetesSchemas();
    schemas.validator('apps/v1', 'Deployment');
    schemas.validator('v1', 'Service');
    expect(store.entries.size).toBe(before + 1);
    schemas.validator('scheduling.k8s.io/v1', 'PriorityClass');
    expect(store.entries.size).toBe(before + 2);
  });
});

describe("the disk store's compiler key", () => {
  const OLD = 946_684_800; // 2000-01-01: long before this process started

  function compiler(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-compiler-key-'));
    write(root, files);
    return root;
  }
  function write(root: string, files: Record<string, string>, time = OLD): void {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
      utimesSync(join(root, rel), time, time);
    }
  }

  it('comes from digests taken once per command: a source changed since is seen by the next command, and by what proves dist/ current', () => {
    const root = compiler({ 'lib/a.ts': 'v1', 'package.json': '{}' });
    try {
      const first = compilerDigests(root);
      write(root, { 'lib/a.ts': 'v2' });
      expect(compilerDigests(root)).toBe(first);
      expect(currentCompilerDigests(root)['lib/a.ts']).not.toBe(first['lib/a.ts']);
      forgetCompilerDigests();
      expect(compilerDigests(root)['lib/a.ts']).toBe(currentCompilerDigests(root)['lib/a.ts']);
    } finally {
      forgetCompilerDigests();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('changes with any source of the compiler, its lockfiles and installed packages, and is unknown right after a change', () => {
    const root = compiler({
      'lib/checks/k8s-schema.ts': 'v1',
      'apps/nginx.ts': 'app',
      'package.json': '{}',
      'package-lock.json': '{}',
      'tsconfig.json': '{}',
      'node_modules/.package-lock.json': '{"cdk8s-plus-25":"2.22.79"}',
    });
    try {
      const store = diskValidatorStore(join(root, 'store'), root);
      const keys = new Set([store.compilerKey?.()]);
      expect(store.compilerKey?.()).toBe([...keys][0]);
      for (const [rel, text] of [
        ['lib/checks/k8s-schema.ts', 'v2'],
        ['lib/checks/enums.ts', 'new file'],
        ['apps/nginx.ts', 'app 2'],
        ['node_modules/.package-lock.json', '{"cdk8s-plus-25":"2.22.80"}'],
        ['package-lock.json', '{"lockfileVersion":3}'],
      ] as const) {
        write(root, { [rel]: text });
        // as the next command: one takes the compiler's digests once (lib/cli/fingerprint.ts)
        forgetCompilerDigests();
        const key = store.compilerKey?.();
        expect(key).toBeDefined();
        expect(keys.has(key)).toBe(false);
        keys.add(key);
      }
      write(root, { 'lib/checks/k8s-schema.ts': 'v3' }, Date.now() / 1000);
      expect(store.compilerKey?.()).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
