import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { yaml11Reading } from '../../lib/model/yaml11.js';

/** What stagecraft (the yaml library, YAML 1.2 core) reads of a plain value. */
const read12 = (source: string): unknown => parse(`v: ${source}\n`).v;
/** yaml11Reading of a plain value, as the readers call it. */
const reading = (source: string) => yaml11Reading(source, read12(source), false);

/** Plain values kubectl reads otherwise, and a word of what the message says it is there. */
const MISREAD: [string, string][] = [
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((s) => [s, 'the boolean true'] as [string, string]),
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].map((s) => [s, 'the boolean false'] as [string, string]),
  ['1_000', 'the number 1000'],
  ['1_', 'the number 1'],
  ['1__0', 'the number 10'],
  ['0_1', 'the number 1'],
  ['0b1', 'the number 1'],
  ['0B1', 'the number 1'],
  ['-0b1', 'the number -1'],
  ['+0b1', 'the number 1'],
  ['0O17', 'the number 15'],
  ['-0o17', 'the number -15'],
  ['0X1F', 'the number 31'],
  ['-0x1F', 'the number -31'],
  ['0x_1F', 'the number 31'],
  ['1_0.5', 'the number 10.5'],
  ['1_e5', 'the number 100000'],
  ['010', 'the number 8'],
  ['-010', 'the number -8'],
  ['+010', 'the number 8'],
  ['0777777777777777777777', 'the number 9223372036854775807'],
  ['2001-12-14', 'a timestamp'],
  ['2001-1-2', 'a timestamp'],
  ['2000-02-29', 'a timestamp'],
  ['2001-12-14t21:59:43.10-05:00', 'a timestamp'],
  ['2001-12-14 21:59:43.10', 'a timestamp'],
  ['2001-12-14 21:59:43,5', 'a timestamp'],
  ['2001-12-14 1:2:3', 'a timestamp'],
  ['.inf', 'the float Infinity'],
  ['-.Inf', 'the float -Infinity'],
  ['+.INF', 'the float Infinity'],
  ['.nan', 'the float NaN'],
  ['.NaN', 'the float NaN'],
];

/** Plain values both read alike (go-yaml's resolve.go; the kubectl tests below check the numbers and timestamps). */
const ALIKE = [
  'nginx',
  'nobody',
  'tRUE',
  'true',
  'False',
  'null',
  '~',
  '80',
  '-3',
  '0',
  '08',
  '09.5',
  '0o17',
  '0x1F',
  '1.',
  '.5',
  '+.5',
  '1e5',
  '1.e5',
  '99999999999999999999',
  '1:20',
  '190:20:30',
  '=',
  '<<',
  '_1',
  '0b12',
  '0x',
  '0o',
  '+',
  '.',
  '100Mi',
  '500m',
  '1.25',
  '2001-12-14x',
  '12345-1-1',
  '2001-02-30',
  '2001-13-01',
  '2001-12-14T21:59:43',
  '2001-12-14T21:59:43+0500',
  '2001-12-14 25:00:00',
  '2001-12-14 21:59',
  '2001-12-14 21:59:43 +5',
  '2001-12-14t1:2:3z',
  // written as kustomize writes a timestamp back
  '2001-12-14T21:59:43Z',
  '2001-12-14T21:59:43.5+05:00',
];

describe('plain values kubectl (go-yaml, YAML 1.1) reads otherwise than stagecraft (YAML 1.2)', () => {
  it.each(MISREAD)('%s is %s to kubectl: an error with a hint to quote it', (source, what) => {
    const r = reading(source);
    expect(r?.message).toContain(`${what} to kubectl`);
    expect(r?.hint).toContain(`quote it ("${source}")`);
  });

  it.each(ALIKE)('%s is read alike: nothing to say', (source) => {
    expect(reading(source)).toBeUndefined();
  });

  it("says what each reading does to a boolean field (publishNotReadyAddresses: yes), not only to a string's: kubectl's true is the one meant there", () => {
    expect(reading('yes')).toEqual({
      message:
        'yes is a string to stagecraft (YAML 1.2) but the boolean true to kubectl (YAML 1.1): where Kubernetes needs a string kubectl fails, and where it takes true or false stagecraft refuses the string',
      hint: 'quote it ("yes") for the string, or write true for the boolean',
    });
  });

  it('says which number each reads where both read a number (010 is octal to kubectl)', () => {
    expect(reading('010')).toEqual({
      message: '010 is the number 10 to stagecraft (YAML 1.2) but the number 8 to kubectl (YAML 1.1), as a leading 0 makes it octal there',
      hint: 'write 8 or 0o10 (YAML 1.2 and kubectl both read it as 8), as a file mode means it; or 10, the decimal stagecraft reads, where no file mode is meant; quote it ("010") only where the field takes a string',
      // said instead where the key is a file mode's (yaml11Problem)
      mode: 'write 0o10 or 8, which YAML 1.2 and kubectl both read as the mode 010 (a file mode takes an integer: quoted, it is refused)',
    });
  });

  it('offers a file mode written with a leading 0 as the number the API server takes, never as a string first (it refuses one): 493 or 0o755, which both read as 493; its decimal (755, above 0o777) only where no file mode is meant', () => {
    expect(reading('0755')?.hint).toBe(
      'write 493 or 0o755 (YAML 1.2 and kubectl both read it as 493), as a file mode means it; or 755, the decimal stagecraft reads, where no file mode is meant; quote it ("0755") only where the field takes a string',
    );
    // what the hint offers is read alike
    expect(reading('0o755')).toBeUndefined();
    expect(reading('493')).toBeUndefined();
    // YAML 1.2's 0o takes no sign
    expect(reading('-010')?.hint).toBe(
      'write -8, the octal kubectl reads, or -10, the decimal stagecraft reads; quote it ("-010") only where the field takes a string',
    );
  });

  it('says an integer beyond 2^53, exact to kubectl (Go int64 and uint64), is another number to stagecraft, which holds doubles', () => {
    expect(reading('9007199254740993')).toEqual({
      message:
        '9007199254740993 is the number 9007199254740992 to stagecraft, whose numbers are doubles (exact between -9007199254740991 and 9007199254740991), ' +
        'but the integer 9007199254740993 to kubectl',
      hint: 'quote it ("9007199254740993") for a string, or write an integer between -9007199254740991 and 9007199254740991',
    });
    // a negative one is beyond the bound below, not above
    expect(reading('-9223372036854775807')).toEqual({
      message:
        '-9223372036854775807 is the number -9223372036854776000 to stagecraft, whose numbers are doubles (exact between -9007199254740991 and 9007199254740991), ' +
        'but the integer -9223372036854775807 to kubectl',
      hint: 'quote it ("-9223372036854775807") for a string, or write an integer between -9007199254740991 and 9007199254740991',
    });
    expect(reading('18446744073709551615')?.message).toContain('but the integer 18446744073709551615 to kubectl');
    // exact as doubles too: 2^53, and a power of two beyond it
    expect(reading('9007199254740992')).toBeUndefined();
    expect(reading('9223372036854775808')).toBeUndefined();
  });

  it('reports a key that is no string to kubectl: kustomize fails on it, apply makes a string of its own', () => {
    expect(yaml11Reading('1', 1, true)?.message).toBe(
      'the key 1 is the number 1 to kubectl (YAML 1.1): kubectl kustomize fails on a key that is not a string',
    );
    expect(yaml11Reading('1_000', '1_000', true)?.message).toBe(
      "the key 1_000 is the number 1000 to kubectl (YAML 1.1): kubectl kustomize fails on a key that is not a string, and kubectl apply makes it the key '1000'",
    );
    expect(yaml11Reading('2001-12-14T21:59:43Z', '2001-12-14T21:59:43Z', true)?.message).toContain(
      'a timestamp to kubectl (YAML 1.1): kubectl kustomize fails',
    );
    expect(yaml11Reading('yes', 'yes', true)).toEqual({
      message: "the key yes is the boolean true to kubectl apply (YAML 1.1), which makes it the key 'true'",
      hint: 'quote the key ("yes")',
    });
    expect(yaml11Reading('name', 'name', true)).toBeUndefined();
    expect(yaml11Reading('1:20', '1:20', true)).toBeUndefined();
  });
});

// The claims above, checked with the real kubectl 1.32: `kubectl kustomize` (kyaml, go-yaml v3)
// rewrites the numbers and timestamps it reads, and fails on keys that are not strings;
// `kubectl create --dry-run=client -f` (sigs.k8s.io/yaml, go-yaml v2) decodes metadata.labels
// before it needs a cluster, and fails there on a value that is not a string.
describe('as the real kubectl reads them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-yaml11-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const kubectl = (args: string[]) => {
    const r = spawnSync('kubectl', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: '/dev/null' },
    });
    expect(r.error, 'kubectl was not found on PATH').toBeUndefined();
    return r;
  };
  const kustomize = (manifest: string) => {
    writeFileSync(join(dir, 'm.yaml'), manifest);
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- m.yaml\n');
    return kubectl(['kustomize', '.']);
  };

  it('kubectl kustomize changes exactly the numbers and timestamps said to be read otherwise', () => {
    const forms = [...MISREAD.map(([s]) => s), ...ALIKE].filter((s) => !/^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(s) && s !== '~');
    const data = forms.map((s, i) => `  k${i}: ${s}\n`).join('');
    const r = kustomize(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: forms\ndata:\n${data}`);
    expect(r.stderr).toBe('');
    const out = parse(r.stdout).data as Record<string, unknown>;
    const changed = forms.filter((s, i) => out[`k${i}`] !== read12(s));
    // kustomize keeps YAML 1.1's booleans strings (go-yaml v3); kubectl apply -f reads them as booleans (below)
    const said = forms.filter((s) => reading(s) && !/boolean/.test(reading(s)!.message));
    expect(changed).toEqual(said);
  }, 60_000);

  it.each([
    ['1_000', false],
    ['2001-12-14', false],
    ['yes', true],
    ['1:20', true],
  ])(
    'kubectl kustomize on the key %s: reads it (%s)',
    (key, ok) => {
      const r = kustomize(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\ndata:\n  ${key}: v\n`);
      expect(r.status === 0).toBe(ok);
    },
    60_000,
  );

  it.each([
    ['yes', true],
    ['off', true],
    ['y', true],
    ['N', true],
    ['1_000', true],
    ['0b1', true],
    ['tRUE', false],
    ['"yes"', false],
    ['1:20', false],
    ['2001-12-14', false],
  ])(
    'kubectl create -f reads the label value %s as no string: %s',
    (value, fails) => {
      writeFileSync(join(dir, 'label.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    k: ${value}\n`);
      const r = kubectl([
        'create',
        '--dry-run=client',
        '--validate=false',
        '-f',
        'label.yaml',
        '--server',
        'http://127.0.0.1:9',
        '--request-timeout=2s',
      ]);
      // without a cluster it stops at the API discovery once the file is decoded
      expect(r.stderr).toMatch(
        fails
          ? /unable to decode .*cannot unmarshal (bool|number) into Go struct field ObjectMeta\.metadata\.labels/
          : /unable to recognize/,
      );
    },
    60_000,
  );
});
