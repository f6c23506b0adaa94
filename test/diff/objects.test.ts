import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { diffManifests } from '../../lib/diff/objects.js';
import { MAX_TEXT_LINES, diffLines, formatDiff } from '../../lib/diff/lines.js';
import { manifestsOf, setStageAside, type Manifest } from '../../lib/diff/manifests.js';
import { ExitCode, ProblemsError } from '../../lib/errors.js';
import { deliveryOf } from '../../lib/cli/diff-delivery.js';
import { decodedText } from '../../lib/checks/secret-texts.js';
import { keepsOutput, reusableStages } from '../../lib/cli/reuse.js';
import { type CliResult, fixtureProject, repoStage, runCli, tempProject } from '../helpers/cli.js';

const deployment = (name: string, ns: string, replicas: number, image: string): Manifest => ({
  id: `Deployment ${ns}/${name}`,
  value: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      template: {
        spec: {
          containers: [
            { name: 'side', image: 'side:1' },
            { name: 'app', image },
          ],
        },
      },
    },
  },
});

describe('diffing manifests', () => {
  it('names list entries by their name, so a container is compared with the same container', () => {
    const d = diffManifests([deployment('web', 'qa', 2, 'web:1')], [deployment('web', 'qa', 3, 'web:2')]);
    expect(formatDiff(d, { before: 'a', after: 'b' })).toBe(
      [
        'Deployment qa/web',
        '  spec.replicas: 2 -> 3',
        '  spec.template.spec.containers[app].image: "web:1" -> "web:2"',
        '1 changed, 0 only in a, 0 only in b, 0 the same',
        '',
      ].join('\n'),
    );
  });

  it("matches an AppProject's destinations by namespace and cluster: one stage's new server is that one destination, not a reshuffle", () => {
    const project = (destinations: { namespace: string; server?: string; name?: string }[]): Manifest => ({
      id: 'AppProject argocd/stagecraft',
      value: { kind: 'AppProject', metadata: { name: 'stagecraft', namespace: 'argocd' }, spec: { destinations } },
    });
    const np = 'https://nonprod:6443';
    const prod = 'https://production:6443';
    const d = diffManifests(
      [
        project([
          { namespace: 'dev', server: np },
          { namespace: 'qa', server: np },
          { namespace: 'production', server: prod },
        ]),
      ],
      [
        project([
          { namespace: 'qa', server: np },
          { namespace: 'dev', server: prod },
          { namespace: 'production', server: prod },
        ]),
      ],
    );
    expect(formatDiff(d, { before: 'a', after: 'b' }).split('\n')).toEqual([
      'AppProject argocd/stagecraft',
      `  spec.destinations[dev, ${np}]: {"namespace":"dev","server":"${np}"} -> (none)`,
      `  spec.destinations[dev, ${prod}]: (none) -> {"namespace":"dev","server":"${prod}"}`,
      '1 changed, 0 only in a, 0 only in b, 0 the same',
      '',
    ]);
    // a cluster named by name instead of server is a key too
    const named = diffManifests(
      [
        project([
          { namespace: 'qa', name: 'nonprod' },
          { namespace: 'dev', server: np },
        ]),
      ],
      [
        project([
          { namespace: 'dev', server: np },
          { namespace: 'qa', name: 'nonprod' },
        ]),
      ],
    );
    expect(named).toMatchObject({ changed: [], same: 1 });
  });

  it('matches ports, env and volumes by their keys, and lists without one by position', () => {
    const pod = (ports: object[], env: object[], volumes: object[], args: string[]): Manifest => ({
      id: 'Pod qa/web',
      value: { kind: 'Pod', spec: { containers: [{ name: 'web', ports, env, args }], volumes } },
    });
    const d = diffManifests(
      [
        pod(
          [{ containerPort: 80 }, { containerPort: 9090, protocol: 'UDP' }],
          [{ name: 'B', value: '1' }],
          [{ name: 'data', emptyDir: {} }],
          ['-a'],
        ),
      ],
      [
        pod(
          [{ containerPort: 443 }, { containerPort: 80, protocol: 'TCP' }, { containerPort: 9090, protocol: 'UDP', hostPort: 1 }],
          [
            { name: 'A', value: '0' },
            { name: 'B', value: '2' },
          ],
          [
            { name: 'cache', emptyDir: {} },
            { name: 'data', emptyDir: { medium: 'Memory' } },
          ],
          ['-b', '-a'],
        ),
      ],
    );
    expect(d.changed[0].fields.map((f) => f.path)).toEqual([
      'spec.containers[web].args[0]',
      'spec.containers[web].args[1]',
      'spec.containers[web].env[A]',
      'spec.containers[web].env[B].value',
      // an unnamed port by number and protocol (TCP when left out)
      'spec.containers[web].ports[443, TCP]',
      'spec.containers[web].ports[80, TCP].protocol',
      'spec.containers[web].ports[9090, UDP].hostPort',
      'spec.volumes[cache]',
      'spec.volumes[data].emptyDir.medium',
    ]);
  });

  it('sets the stage name and namespace aside, in values only, and config content hashes too', () => {
    const pv = (stage: string): Manifest => ({
      id: `PersistentVolume mysqlvolume-${stage}`,
      value: {
        kind: 'PersistentVolume',
        metadata: { name: `mysqlvolume-${stage}`, labels: { 'stagecraft.dev/stage': stage } },
        spec: { hostPath: { path: `/data/volumes/mysql-${stage}` } },
      },
    });
    const config = (ns: string, hash: string): Manifest => ({
      id: `ConfigMap ${ns}/app-config-${hash}`,
      value: { kind: 'ConfigMap', metadata: { name: `app-config-${hash}`, namespace: ns } },
    });
    const a = setStageAside([pv('dev'), config('dev', '0123456789')], { stage: 'dev', namespace: 'dev' });
    const b = setStageAside([pv('qa'), config('qa', 'abcdefabcd')], { stage: 'qa', namespace: 'qa' });
    expect(a.map((m) => m.id)).toEqual(['PersistentVolume mysqlvolume-<stage>', 'ConfigMap app-config-<hash>']);
    // 'stagecraft.dev' is a key: it keeps its 'dev'
    expect((a[0].value as { metadata: { labels: object } }).metadata.labels).toEqual({ 'stagecraft.dev/stage': '<stage>' });
    expect(formatDiff(diffManifests(a, b), { before: 'dev', after: 'qa' })).toBe('dev and qa are the same (2 objects)\n');
  });

  it('compares a rolling Deployment with each blue/green color of it', () => {
    const d = diffManifests(
      [deployment('web', 'p', 2, 'web:1')],
      [deployment('web-blue', 'p', 2, 'web:1'), deployment('web-green', 'p', 2, 'web:2')],
    );
    expect(formatDiff(d, { before: 'qa', after: 'production' }).split('\n')).toEqual([
      'Deployment p/web -> p/web-blue',
      '  metadata.name: "web" -> "web-blue"',
      'Deployment p/web -> p/web-green',
      '  metadata.name: "web" -> "web-green"',
      '  spec.template.spec.containers[app].image: "web:1" -> "web:2"',
      '2 changed, 0 only in qa, 0 only in production, 0 the same',
      '',
    ]);
  });

  it('pairs a config object with the one of a new content hash, and shows its data change', () => {
    const config = (hash: string, level: string): Manifest => ({
      id: `ConfigMap qa/web-config-${hash}`,
      value: { kind: 'ConfigMap', metadata: { name: `web-config-${hash}`, namespace: 'qa' }, data: { LOG_LEVEL: level } },
    });
    const d = diffManifests([config('007cd57b57', 'info')], [config('c9feb6ee47', 'warn')]);
    expect(formatDiff(d, { before: 'a', after: 'b' }).split('\n')).toEqual([
      'ConfigMap qa/web-config-007cd57b57 -> qa/web-config-c9feb6ee47',
      '  data.LOG_LEVEL: "info" -> "warn"',
      '  metadata.name: "web-config-007cd57b57" -> "web-config-c9feb6ee47"',
      '1 changed, 0 only in a, 0 only in b, 0 the same',
      '',
    ]);
    // two of one name on a side: which is which is not known, so neither is paired
    const two = diffManifests([config('007cd57b57', 'info'), config('1111111111', 'debug')], [config('c9feb6ee47', 'warn')]);
    expect([two.changed.length, two.removed.length, two.added.length]).toEqual([0, 2, 1]);
  });

  it('shows a change many objects share once, with their number', () => {
    const label = (id: string, v: string): Manifest => ({ id, value: { metadata: { labels: { version: v } } } });
    const d = diffManifests(
      ['a', 'b', 'c'].map((id) => label(id, '1')),
      ['a', 'b', 'c'].map((id) => label(id, '2')),
    );
    expect(formatDiff(d, { before: 'x', after: 'y' })).toBe(
      'on 3 objects: metadata.labels.version: "1" -> "2"\n3 changed, 0 only in x, 0 only in y, 0 the same\n',
    );
  });

  it("never prints a secret: a value the checks find secret, a Secret's data, a token as a key, within a map shown whole", () => {
    const config = (data: Record<string, string>): Manifest => ({
      id: 'ConfigMap qa/app',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'qa' }, data },
    });
    const token = 'ghp_0123456789abcdefghijABCDEFGHIJ456789';
    const before = config({ DB_PASSWORD: 'hunter2-Xy9pq!', LOG_LEVEL: 'info', [token]: 'x' });
    const after = config({ DB_PASSWORD: 'Tr0ub4dor&3-new', LOG_LEVEL: 'warn', DSN: 'mysql://app:hunter2-Xy9pq!@db/app' });
    const secret = (data: Record<string, string>): Manifest => ({
      id: 'Secret qa/db',
      value: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'qa' }, stringData: data },
    });
    const text = formatDiff(diffManifests([before, secret({ password: 'plain' })], [after, secret({ password: 'other', user: 'root' })]), {
      before: 'a',
      after: 'b',
    });
    expect(text).toBe(
      [
        'ConfigMap qa/app',
        '  data.(a 40-character key, hidden): "x" -> (none)',
        '  data.DB_PASSWORD: (a 14-character value, hidden) -> (a 15-character value, hidden)',
        '  data.DSN: (none) -> (a 33-character value, hidden)',
        '  data.LOG_LEVEL: "info" -> "warn"',
        'Secret qa/db',
        '  stringData.password: (a 5-character value, hidden) -> (a 5-character value, hidden)',
        '  stringData.user: (none) -> (a 4-character value, hidden)',
        '2 changed, 0 only in a, 0 only in b, 0 the same',
        '',
      ].join('\n'),
    );
    // a map added whole shows its other values, each secret one hidden where it stands
    const added = formatDiff(
      diffManifests(
        [config({})].map((m) => ({ ...m, value: { ...(m.value as object), data: undefined } })),
        [before],
      ),
      {
        before: 'a',
        after: 'b',
      },
    );
    expect(added).toContain('"DB_PASSWORD":"(a 14-character value, hidden)"');
    expect(added).toContain('"LOG_LEVEL":"info"');
    for (const t of [text, added]) for (const s of ['hunter2', 'Tr0ub4dor', token, 'plain', 'other', 'root']) expect(t).not.toContain(s);
  });

  it('shows a text of several lines added or removed as a field (a config file of a new key) by its lines, not as one line of escapes', () => {
    const config = (data: Record<string, string>): Manifest => ({
      id: 'ConfigMap qa/web',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'qa' }, data },
    });
    const file = `${Array.from({ length: 25 }, (_, i) => `line ${i + 1};`).join('\n')}\n`;
    const added = formatDiff(diffManifests([config({ a: '1' })], [config({ a: '1', 'nginx.conf': file })]), { before: 'a', after: 'b' });
    // was: data.nginx.conf: (none) -> "line 1;\nline 2;\n...", all 25 lines on one
    expect(added.split('\n').slice(1, 4)).toEqual(['  data.nginx.conf: (none) -> a text of 25 lines:', '    + line 1;', '    + line 2;']);
    expect(added).toContain(`    + line ${MAX_TEXT_LINES};\n    + ... and 5 more lines\n`);
    const removed = formatDiff(diffManifests([config({ a: '1', 'nginx.conf': file })], [config({ a: '1' })]), { before: 'a', after: 'b' });
    expect(removed.split('\n').slice(1, 3)).toEqual(['  data.nginx.conf: a text of 25 lines -> (none):', '    - line 1;']);
    // a value of one line added stays on its line
    const one = formatDiff(diffManifests([config({ a: '1' })], [config({ a: '1', b: 'x' })]), { before: 'a', after: 'b' });
    expect(one.split('\n')[1]).toBe('  data.b: (none) -> "x"');
  });

  it('shows a text of several lines (a config file) by the lines that differ, not both texts whole as escapes', () => {
    const config = (file: string): Manifest => ({
      id: 'ConfigMap qa/web',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'qa' }, data: { 'nginx.conf': file } },
    });
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1};`);
    const before = [...lines(8), '  listen 80;', ...lines(8), ''].join('\n');
    const after = [...lines(8), '  listen 8080;', '  listen [::]:8080;', ...lines(8), ''].join('\n');
    expect(formatDiff(diffManifests([config(before)], [config(after)]), { before: 'a', after: 'b' })).toBe(
      [
        'ConfigMap qa/web',
        '  data.nginx.conf: a text of 17 lines -> 18 lines, from line 9:',
        '    -   listen 80;',
        '    +   listen 8080;',
        '    +   listen [::]:8080;',
        '1 changed, 0 only in a, 0 only in b, 0 the same',
        '',
      ].join('\n'),
    );
    // at most MAX_TEXT_LINES of each side, and a control character as its escape
    const long = formatDiff(diffManifests([config('a\nb\n')], [config(`a\n\x1b[2J${lines(25).join('\n')}\nb\n`)]), {
      before: 'a',
      after: 'b',
    });
    expect(long.split('\n').slice(1, 4)).toEqual([
      '  data.nginx.conf: a text of 2 lines -> 27 lines, from line 2:',
      '    + "\\x1b[2Jline 1;"',
      '    + line 2;',
    ]);
    expect(long).toContain(`    + line ${MAX_TEXT_LINES};\n    + ... and 5 more lines\n`);
    expect(long).not.toContain('\x1b');
    // a change of text that many objects share: once, each line an element of its own, as promote and switch indent them
    const three = (file: string) => ['a', 'b', 'c'].map((name) => ({ ...config(file), id: `ConfigMap qa/${name}` }));
    expect(diffLines(diffManifests(three(before), three(after)), { before: 'a', after: 'b' })).toEqual([
      'on 3 objects: data.nginx.conf: a text of 17 lines -> 18 lines, from line 9:',
      '    -   listen 80;',
      '    +   listen 8080;',
      '    +   listen [::]:8080;',
    ]);
  });

  it('quotes a changed line whose change would not show as it is: a blank at its end, a tab, a CR, or what reads as another line', () => {
    const config = (file: string): Manifest => ({
      id: 'ConfigMap qa/web',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'qa' }, data: { 'app.conf': file } },
    });
    const changes = (a: string, b: string) => diffLines(diffManifests([config(a)], [config(b)]), { before: 'a', after: 'b' }).slice(2);
    // were '- b  ' and '+ b', the same line to a reader; a line of blanks read as an empty one; a tab as blanks
    expect(changes('a\nb  \nc\n', 'a\nb\nc\n')).toEqual(['    - "b  "', '    + b']);
    expect(changes('a\n   \nc\n', 'a\n\nc\n')).toEqual(['    - "   "', '    + (an empty line)']);
    expect(changes('a\n\tb\nc\n', 'a\n        b\nc\n')).toEqual(['    - "\\tb"', '    +         b']);
    // a CR beside another change: quoted, so that a line holding the text \r reads otherwise
    expect(changes('a\nb\r\nc\n', 'a\nb\\r\nC\n')).toEqual(['    - "b\\r"', '    - c', '    + b\\r', '    + C']);
    // the words said in place of a line, and a line in quotes of its own, held as text
    expect(changes('a\n(an empty line)\n"q"\n', 'a\n\nq\n')).toEqual([
      '    - "(an empty line)"',
      '    - "\\"q\\""',
      '    + (an empty line)',
      '    + q',
    ]);
    expect(changes('a\n', 'a\n... and 5 more lines\n')).toEqual(['    + "... and 5 more lines"']);
    // a line that starts with a quote but is no quoted text (a JSON file's key) as it is
    expect(changes('{\n"a": 1\n}\n', '{\n"a": "b"\n}\n')).toEqual(['    - "a": 1', '    + "a": "b"']);
    expect(changes('a\n', 'a\n"x\\ty"\n')).toEqual(['    + "\\"x\\\\ty\\""']);
  });

  it('says a text of several lines beside a hidden value by its count, not on one line of \\n', () => {
    const config = (file: string): Manifest => ({
      id: 'ConfigMap qa/web',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'qa' }, data: { 'app.conf': file } },
    });
    const conf = Array.from({ length: 30 }, (_, i) => `setting${i} on`).join('\n');
    const d = diffManifests([config(`${conf}\n`)], [config(`${conf}\ndb.password=Xk9#mQ2vLp7zR4\n`)]);
    // was: data.app.conf: "setting0 on\nsetting1 on\n... (30 lines) -> (a ...-character value, hidden)
    expect(diffLines(d, { before: 'a', after: 'b' })[1]).toMatch(
      /^ {2}data\.app\.conf: a text of 30 lines -> \(a \d+-character value, hidden\)$/,
    );
  });

  it("escapes what turns a line around in an object's id and a field's path too, not only in its values", () => {
    const config = (data: Record<string, string>, name = 'web'): Manifest => ({
      id: `ConfigMap qa/${name}`,
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'qa' }, data },
    });
    // a hand-edited dist/: a key and a name holding U+202E, which turned the rest of their line around
    const text = formatDiff(diffManifests([config({ 'a\u202eb': '1' }, 'w\u202ex')], [config({ 'a\u202eb': '2' }, 'w\u202ex')]), {
      before: 'a',
      after: 'b',
    });
    expect(text.split('\n').slice(0, 2)).toEqual(['ConfigMap qa/w\\u202ex', '  data.a\\u202eb: "1" -> "2"']);
    expect(text).not.toContain('\u202e');
  });

  it("counts a text's lines as its file has them: a final newline ends the last line, it starts no other", () => {
    const config = (file: string): Manifest => ({
      id: 'ConfigMap kube-system/kube-flannel-cfg',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-flannel-cfg' }, data: { 'net-conf.json': file } },
    });
    const net = (backend: string) => `{\n  "Network": "10.244.0.0/16",\n  "Backend": { "Type": "${backend}" }\n}\n`;
    const lines = (a: string, b: string) => diffLines(diffManifests([config(a)], [config(b)]), { before: 'a', after: 'b' })[1];
    expect(lines(net('vxlan'), net('host-gw'))).toBe('  data.net-conf.json: a text of 4 lines -> 4 lines, from line 3:');
    // without a final newline, the last line is a line all the same
    expect(lines(net('vxlan').trimEnd(), net('host-gw').trimEnd())).toBe(
      '  data.net-conf.json: a text of 4 lines -> 4 lines, from line 3:',
    );
    expect(lines('one\ntwo\n', 'one\nthree\nfour')).toBe(
      '  data.net-conf.json: a text of 2 lines -> 3 lines, a final newline removed, from line 2:',
    );
    // a final newline added or removed alone is said so, not shown as an empty line; an empty text has no line
    const changes = (a: string, b: string) => diffLines(diffManifests([config(a)], [config(b)]), { before: 'a', after: 'b' }).slice(1);
    expect(changes('a\nb', 'a\nb\n')).toEqual(['  data.net-conf.json: a text of 2 lines, a final newline added']);
    expect(changes('a\nb\n', 'a\nb')).toEqual(['  data.net-conf.json: a text of 2 lines, a final newline removed']);
    expect(changes('', 'a\nb\n')).toEqual(['  data.net-conf.json: a text of 0 lines -> 2 lines, from line 1:', '    + a', '    + b']);
    // an empty line added is said, not a blank after the mark
    expect(changes('a\n', 'a\n\n')).toEqual(['  data.net-conf.json: a text of 1 line -> 2 lines, from line 2:', '    + (an empty line)']);
    expect(changes('', '\n')).toEqual(['  data.net-conf.json: a text of 0 lines -> 1 line, from line 1:', '    + (an empty line)']);
    // the same lines but for their ends (saved on Windows): said, not every line shown twice
    expect(changes('a\r\nb\r\n', 'a\nb\n')).toEqual(['  data.net-conf.json: a text of 2 lines, 2 line ends \\r\\n -> \\n']);
    expect(changes('a\nb', 'a\r\nb\n')).toEqual([
      '  data.net-conf.json: a text of 2 lines, 1 line end \\n -> \\r\\n, a final newline added',
    ]);
  });

  it("hides a Secret's data decoded from base64 wherever its text stands, with or without the final newline echo gave it", () => {
    const b64 = (t: string) => Buffer.from(t, 'utf8').toString('base64');
    const secret: Manifest = {
      id: 'Secret qa/db',
      value: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'qa' },
        // echo bluebird-river | base64, printf dbadmin-7 | base64; a key file's bytes, which are no text
        data: { password: b64('bluebird-river\n'), user: b64('dbadmin-7'), key: Buffer.from([0xff, 0xfe, 0x80, 0x41]).toString('base64') },
      },
    };
    const config = (note: string, motd: string): Manifest => ({
      id: 'ConfigMap qa/app',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'qa', annotations: { note } }, data: { motd } },
    });
    const lines = diffLines(
      diffManifests([secret, config('none', 'welcome')], [secret, config('log in as dbadmin-7', 'welcome, bluebird-river')]),
      {
        before: 'a',
        after: 'b',
      },
    );
    expect(lines).toEqual([
      'ConfigMap qa/app',
      '  data.motd: "welcome" -> (a 23-character value, hidden)',
      '  metadata.annotations.note: "none" -> (a 19-character value, hidden)',
    ]);
  });

  it("hides a Secret's data decoded from base64 written with line breaks, as the API server reads it (a block scalar, base64's 76 columns)", () => {
    const text = 'postgres://app:Tr0ub4dor-and-3-horses@db.qa.svc:5432/orders?sslmode=require&application_name=orders-api';
    const b64 = Buffer.from(text, 'utf8').toString('base64');
    // `base64` (GNU coreutils) wraps its output at 76 columns; `password: |` keeps the final line end
    const wrapped = `${b64.match(/.{1,76}/g)!.join('\n')}\n`;
    const secret = (data: Record<string, string>): Manifest => ({
      id: 'Secret qa/db',
      value: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'qa' }, data },
    });
    const config = (url: string): Manifest => ({
      id: 'ConfigMap qa/app',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'qa' }, data: { DATABASE_URL: url } },
    });
    for (const data of [{ url: wrapped }, { url: `${b64}\n` }, { url: wrapped.replaceAll('\n', '\r\n') }]) {
      expect(diffLines(diffManifests([secret(data), config('none')], [secret(data), config(text)]), { before: 'a', after: 'b' })).toEqual([
        'ConfigMap qa/app',
        `  data.DATABASE_URL: "none" -> (a ${text.length}-character value, hidden)`,
      ]);
    }
    // the text of a value of megabytes read too (a repeated group of four overflowed the regular expression's stack)
    expect(decodedText(Buffer.from('x'.repeat(6 << 20)).toString('base64'))).toEqual(['x'.repeat(6 << 20)]);
  });

  it("says of a hidden value that changed by its final newline alone that it did, in a Secret's data as in its stringData", () => {
    const secret = (field: 'data' | 'stringData', cert: string): Manifest => ({
      id: 'Secret qa/tls',
      value: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls', namespace: 'qa' }, [field]: { 'ca.crt': cert } },
    });
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
    const b64 = (t: string) => Buffer.from(t, 'utf8').toString('base64');
    const change = (a: Manifest, b: Manifest) => diffLines(diffManifests([a], [b]), { before: 'a', after: 'b' });
    expect(change(secret('data', b64(pem)), secret('data', b64(pem.trimEnd())))).toEqual([
      'Secret qa/tls',
      `  data.ca.crt: (a ${b64(pem).length}-character value, hidden) -> (a ${b64(pem.trimEnd()).length}-character value, hidden), the same text but for a final newline removed`,
    ]);
    expect(change(secret('stringData', pem.trimEnd()), secret('stringData', pem))).toEqual([
      'Secret qa/tls',
      `  stringData.ca.crt: (a ${pem.length - 1}-character value, hidden) -> (a ${pem.length}-character value, hidden), the same text but for a final newline added`,
    ]);
    // another change says nothing of the texts
    expect(change(secret('stringData', pem), secret('stringData', pem.replace('MIIB', 'MIIC')))[1]).toBe(
      `  stringData.ca.crt: (a ${pem.length}-character value, hidden) -> (a ${pem.length}-character value, hidden)`,
    );
  });

  it('hides a value secret by the name of its key where it is the whole value only: another field holding its text is shown', () => {
    const config = (data: Record<string, string>): Manifest => ({
      id: 'ConfigMap qa/app',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'qa' }, data },
    });
    const before = config({ DB_PASSWORD_SECRET: 'mysqlsecret', SECRET_NAME: 'mysqlsecret', HOST: 'mysqlsecret-host', COPY: 'x' });
    const after = config({
      DB_PASSWORD_SECRET: 'mysqlsecret',
      SECRET_NAME: 'mysqlsecret2',
      HOST: 'mysqlsecret-host2',
      COPY: 'mysqlsecret',
    });
    expect(diffLines(diffManifests([before], [after]), { before: 'a', after: 'b' })).toEqual([
      'ConfigMap qa/app',
      '  data.COPY: "x" -> (a 11-character value, hidden)',
      '  data.HOST: "mysqlsecret-host" -> "mysqlsecret-host2"',
      '  data.SECRET_NAME: (a 11-character value, hidden) -> "mysqlsecret2"',
    ]);
    // a Secret's values likewise: its labels and names that hold one are shown
    const secret = (label: string, password: string): Manifest => ({
      id: 'Secret qa/db',
      value: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'qa', labels: { app: label } },
        stringData: { user: 'dbadmin', password },
      },
    });
    expect(
      diffLines(diffManifests([secret('dbadmin-v1', 'plain-one')], [secret('dbadmin-v2', 'plain-two')]), { before: 'a', after: 'b' }),
    ).toEqual([
      'Secret qa/db',
      '  metadata.labels.app: "dbadmin-v1" -> "dbadmin-v2"',
      '  stringData.password: (a 9-character value, hidden) -> (a 9-character value, hidden)',
    ]);
    // a secret found by its content is hidden within another value still
    const token = 'ghp_0123456789abcdefghijABCDEFGHIJ456789';
    const within = diffLines(
      diffManifests([config({ TOKEN: token, URL: 'a' })], [config({ TOKEN: token, URL: `https://x/?t=${token}` })]),
      {
        before: 'a',
        after: 'b',
      },
    );
    expect(within).toEqual(['ConfigMap qa/app', `  data.URL: "a" -> (a ${token.length + 13}-character value, hidden)`]);
  });

  it("hides a Secret's values within any field of any object (kubectl's last-applied annotation), its labels and name aside", () => {
    const applied = (password: string) => JSON.stringify({ stringData: { user: 'dbadmin', password } });
    const secret = (password: string, name = 'db'): Manifest => {
      const stringData = { user: 'dbadmin', password };
      return {
        id: `Secret qa/${name}`,
        value: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name,
            namespace: 'qa',
            labels: { app: 'dbadmin-v1' },
            // as kubectl get -o yaml writes it
            annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied(password) },
          },
          stringData,
        },
      };
    };
    const lines = diffLines(diffManifests([secret('Tr0ub4dor&3horse')], [secret('correct-horse-battery')]), { before: 'a', after: 'b' });
    expect(lines).toEqual([
      'Secret qa/db',
      `  metadata.annotations.kubectl.kubernetes.io/last-applied-configuration: (a ${applied('Tr0ub4dor&3horse').length}-character value, hidden) -> (a ${applied('correct-horse-battery').length}-character value, hidden)`,
      '  stringData.password: (a 16-character value, hidden) -> (a 21-character value, hidden)',
    ]);
    // in another object too (a password copied into a ConfigMap's URL), but not in its name or a label that holds one
    const config = (hash: string, user: string, url: string): Manifest => {
      const name = `dbadmin-config-${hash.repeat(10)}`;
      return {
        id: `ConfigMap qa/${name}`,
        value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'qa', labels: { user } }, data: { url } },
      };
    };
    const other = diffLines(
      diffManifests(
        [secret('Tr0ub4dor&3horse'), config('a', 'dbadmin-1', 'db:3306')],
        [secret('Tr0ub4dor&3horse'), config('b', 'dbadmin-2', 'db:3306?p=Tr0ub4dor&3horse')],
      ),
      { before: 'a', after: 'b' },
    );
    expect(other).toEqual([
      'ConfigMap qa/dbadmin-config-aaaaaaaaaa -> qa/dbadmin-config-bbbbbbbbbb',
      '  data.url: "db:3306" -> (a 26-character value, hidden)',
      '  metadata.labels.user: "dbadmin-1" -> "dbadmin-2"',
      '  metadata.name: "dbadmin-config-aaaaaaaaaa" -> "dbadmin-config-bbbbbbbbbb"',
    ]);
    for (const t of [lines, other].flat()) for (const s of ['Tr0ub4dor', 'correct-horse']) expect(t).not.toContain(s);
  });

  it('prints a name or a key holding a control character (a hand-edited dist/) as its escape, never the character', () => {
    const config = (name: string, data: Record<string, string>): Manifest => ({
      id: `ConfigMap qa/${name}`,
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'qa' }, data },
    });
    const text = formatDiff(
      diffManifests([config('web', { a: '1' }), config('gone\x1b[2J', {})], [config('web', { 'k\x1b]0;x\x07': '1', a: '1' })]),
      { before: 'a', after: 'b' },
    );
    expect(text).toBe(
      [
        'ConfigMap qa/web',
        '  data.k\\x1b]0;x\\x07: (none) -> "1"',
        'only in a: ConfigMap qa/gone\\x1b[2J',
        '1 changed, 1 only in a, 0 only in b, 0 the same',
        '',
      ].join('\n'),
    );
  });

  it('prints a value holding a C1 control character (CSI, \\x9b, which some terminals act on) as its escape, never the character', () => {
    const config = (data: Record<string, string>): Manifest => ({
      id: 'ConfigMap qa/web',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'qa' }, data },
    });
    // JSON.stringify escapes C0 but leaves DEL and C1 as they are; a value is shown by shownJson, which escapes them all
    const text = formatDiff(diffManifests([config({ a: '1' })], [config({ a: '\x9b2J\x7f' })]), { before: 'a', after: 'b' });
    expect(text.split('\n')[1]).toBe('  data.a: "1" -> "\\x9b2J\\x7f"');
    expect(text).not.toMatch(/[\x7f-\x9f]/);
  });

  it("prints a value holding a character that reorders or hides text (U+202E, U+2028, a zero-width space) as its escape, as promote's edit lines do", () => {
    const config = (data: Record<string, string>): Manifest => ({
      id: 'ConfigMap qa/web',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'qa' }, data },
    });
    // JSON.stringify leaves them as they are: 1.2\u202e3.1 reads 1.21.3, and U+2028 ends a line to some log viewers
    const text = formatDiff(diffManifests([config({ a: '1' })], [config({ a: '1.2\u202e3.1\u2028\u200b' })]), { before: 'a', after: 'b' });
    expect(text.split('\n')[1]).toBe('  data.a: "1" -> "1.2\\u202e3.1\\u2028\\u200b"');
    const lines = formatDiff(diffManifests([config({ a: 'x\ny\n' })], [config({ a: 'x\n\u202ey\n' })]), { before: 'a', after: 'b' });
    expect(lines).toContain('+ "\\u202ey"');
    expect(`${text}${lines}`).not.toMatch(/[\u200b\u202e\u2028]/);
  });

  it('reads the objects of chart files and node files, not the kustomization or the inventory', () => {
    const files = new Map([
      ['10-a.yaml', 'kind: Service\nmetadata: {name: a, namespace: n}\n---\nkind: Pod\nmetadata: {name: b}\n'],
      ['Kustomization', 'kind: Kustomization\n'],
      ['inventory.txt', 'objects: 0\n'],
      ['nodes/n1/kubeconfig.yaml', 'kind: Config\n'],
    ]);
    expect(manifestsOf(files).map((m) => m.id)).toEqual(['Service n/a', 'Pod b', 'nodes/n1/kubeconfig.yaml']);
  });

  it('reads every value as the yaml library does, in the block style and out of it', () => {
    const files = new Map([
      ['10-a.yaml', 'kind: ConfigMap\nmetadata: {name: a}\ndata:\n  on: "yes"\n  n: "010"\nspec:\n  x: 010\n  y: .inf\n  z: ~\n'],
      ['20-b.yaml', '--- ~\n---\nkind: Pod\nmetadata: &m {name: b}\nspec:\n  x: *m\n  s: >-\n    folded\n    text\n'],
    ]);
    expect(manifestsOf(files).map((m) => m.value)).toEqual([
      { kind: 'ConfigMap', metadata: { name: 'a' }, data: { on: 'yes', n: '010' }, spec: { x: 10, y: Infinity, z: null } },
      { kind: 'Pod', metadata: { name: 'b' }, spec: { x: { name: 'b' }, s: 'folded text' } },
    ]);
  });

  it('places every YAML problem of a file that is not YAML (a merge conflict), with what to do', () => {
    const conflicted = 'kind: Service\nmetadata:\n<<<<<<< HEAD\n  name: a\n=======\n  name: b\n>>>>>>> feature\n';
    const files = new Map([
      ['10-a.yaml', conflicted],
      ['20-b.yaml', 'kind: Pod\nmetadata: {name: b\n'],
    ]);
    let error: unknown;
    try {
      manifestsOf(files, 'dist/qa');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemsError);
    const { problems, exitCode } = error as ProblemsError;
    expect(exitCode).toBe(ExitCode.badInput);
    expect(problems[0]).toMatchObject({
      location: { file: 'dist/qa/10-a.yaml', line: 3, column: 1 },
      hint: 'the file holds git merge conflict markers, so dist/qa is not what npm run synth writes: resolve the conflict, or run npm run synth to write it again',
    });
    // the conflict is one problem of its own, the other file's are the YAML parser's
    expect(problems.map((p) => p.code)).toEqual(['input/merge-conflict', ...problems.slice(1).map(() => expect.stringMatching(/^yaml\//))]);
    // what to do about the file once per file (the other problems keep the YAML hints of their own)
    expect(problems.filter((p) => p.hint?.includes('npm run synth writes')).map((p) => p.location?.file)).toEqual([
      'dist/qa/10-a.yaml',
      'dist/qa/20-b.yaml',
    ]);
    expect(problems.find((p) => p.location?.file === 'dist/qa/20-b.yaml')?.hint).toBe(
      'dist/qa is not what npm run synth writes: restore the file (git checkout), or run npm run synth to write it again',
    );
    // without the directory, the files are named by their path in the tree
    expect(() => manifestsOf(new Map([['10-a.yaml', conflicted]]))).toThrow(/^10-a\.yaml:3:1: /);
  });
});

describe('npm run diff', () => {
  const fixtures = fixtureProject(['dev', 'test', 'qa', 'production']);

  it('shows how test differs from dev, field by field, with the stage names set aside', () => {
    const r = runCli('diff', ['dev', 'test'], fixtures);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${readFileSync(new URL('../fixtures/diff/dev-test.txt', import.meta.url), 'utf8')}`);
  });

  it('shows qa against blue/green production: autoscaling and the live color (autoscaled, neither Deployment has replicas)', () => {
    const r = runCli('diff', ['qa', 'production'], fixtures);
    expect(r.stdout).toContain(
      [
        'Deployment demoapp -> demoapp-blue',
        '  metadata.name: "demoapp" -> "demoapp-blue"',
        '  spec.selector.matchLabels.color: (none) -> "blue"',
      ].join('\n'),
    );
    expect(r.stdout).toContain(
      'HorizontalPodAutoscaler demoapp -> demoapp-green\n  metadata.name: "demoapp" -> "demoapp-green"\n  spec.maxReplicas: 4 -> 10\n',
    );
    expect(r.stdout).toContain('Service demoapp\n  spec.selector.color: (none) -> "blue"\n  spec.type: "ClusterIP" -> "LoadBalancer"\n');
    // Argo CD creates production's Namespace before its ExternalSecrets (qa has none)
    expect(r.stdout).toContain('Namespace <stage>\n  metadata.annotations.argocd.argoproj.io/sync-wave: (none) -> "-3"\n');
    expect(r.stdout.endsWith('14 changed, 0 only in qa, 1 only in production, 4 the same\n')).toBe(true);
  });

  it('reads two stages that the last synth proved current from dist/, as synth keeps them: the same output as compiling them', () => {
    const dir = fixtureProject(['dev', 'test', 'qa', 'production', 'mink8s']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const stages = ['dev', 'mink8s', 'production', 'qa', 'test'];
    const reuse = reusableStages(dir, 'dist', stages);
    // the stages are kept: the diff reads their output in dist/
    expect(keepsOutput(reuse) && [...reuse.kept.keys()]).toEqual(stages);
    const pairs = [
      ['qa', 'production'],
      ['dev', 'test'],
      ['production', 'dev'],
      ['mink8s', 'qa'],
    ];
    // a marker only a compilation meets: the stage's worker thread fails as a bug would (lib/cli/stage-workers.ts)
    const compiling = (stage: string, run: () => CliResult) => {
      vi.stubEnv('STAGECRAFT_WORKERS', '1');
      vi.stubEnv('STAGECRAFT_CRASH_AT', `worker-throw-${stage}`);
      try {
        return run();
      } finally {
        vi.unstubAllEnvs();
      }
    };
    const kept = pairs.map((p) => compiling(p[0], () => runCli('diff', p, dir)));
    expect(kept[0].stdout.endsWith('14 changed, 0 only in qa, 1 only in production, 4 the same\n')).toBe(true);
    // without the fingerprint and the render cache, every stage is compiled and every app rendered
    rmSync(join(dir, '.stagecraft'), { recursive: true, force: true });
    expect(pairs.map((p) => runCli('diff', p, dir))).toEqual(kept);
    // and the marker is met then
    expect(() => compiling('qa', () => runCli('diff', ['qa', 'production'], dir))).toThrow('STAGECRAFT_CRASH_AT: a bug in a worker');
  });

  it('compiles a stage whose output in dist/ was edited by hand, and shows what its sources give', () => {
    const dir = fixtureProject(['dev', 'test', 'qa', 'production']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const sources = runCli('diff', ['qa', 'production'], dir);
    const file = join(dir, 'dist', 'qa', '10-demoapp.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('LOG_LEVEL: info', 'LOG_LEVEL: trace'));
    expect(keepsOutput(reusableStages(dir, 'dist', ['dev', 'production', 'qa', 'test']))).toBe(false);
    expect(runCli('diff', ['qa', 'production'], dir)).toEqual(sources);
  });

  it('with one stage, shows what the sources would change in its dist/ directory', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(runCli('diff', ['lab'], dir).stdout).toBe('dist/lab and the sources are the same (8 objects)\n');
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
    expect(runCli('diff', ['lab'], dir).stdout).toBe(
      'ReplicationController lab/nginx\n  spec.replicas: 3 -> 5\n1 changed, 0 only in dist/lab, 0 only in the sources, 7 the same\n',
    );
  });

  it("with one stage, shows a config change in the config object's data, not only its new name", () => {
    const dir = fixtureProject(['dev']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const file = join(dir, 'environments', 'dev.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('LOG_LEVEL: debug');
    writeFileSync(file, text.replace('LOG_LEVEL: debug', 'LOG_LEVEL: warn'));
    const out = runCli('diff', ['dev'], dir).stdout;
    expect(out).toMatch(
      /^ConfigMap dev\/demoapp-config-[0-9a-f]{10} -> dev\/demoapp-config-[0-9a-f]{10}\n {2}data\.LOG_LEVEL: "debug" -> "warn"\n/m,
    );
    expect(out).not.toMatch(/^only in /m);
  });

  it("with one stage, counts and shows only its own objects, and apart the delivery objects that deliver it, not the other stages'", () => {
    const dir = fixtureProject(['dev', 'test', 'qa', 'production', 'lab']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const objects = (stage: string) => readFileSync(join(dir, 'dist', stage, 'inventory.txt'), 'utf8').match(/^objects: (\d+)$/m)?.[1];
    expect(runCli('diff', ['qa'], dir).stdout).toBe(
      `dist/qa and the sources are the same (${objects('qa')} objects)\ndist/delivery (for qa) and the sources are the same (2 objects)\n`,
    );
    // lab is not delivered
    expect(runCli('diff', ['lab'], dir).stdout).toBe(`dist/lab and the sources are the same (${objects('lab')} objects)\n`);

    // only dev's delivery changes: its Application is dev's, the AppProject every stage's
    const devFile = join(dir, 'environments', 'dev.yaml');
    writeFileSync(devFile, readFileSync(devFile, 'utf8').replace('delivery: { cluster: nonprod }', 'delivery: { cluster: production }'));
    const qa = runCli('diff', ['qa'], dir).stdout;
    expect(qa).not.toContain('stagecraft-dev');
    expect(qa.split('\n')).toEqual([
      `dist/qa and the sources are the same (${objects('qa')} objects)`,
      'AppProject argocd/stagecraft',
      '  spec.destinations[dev, https://nonprod.k8s.example.com:6443]: {"namespace":"dev","server":"https://nonprod.k8s.example.com:6443"} -> (none)',
      '  spec.destinations[dev, https://production.k8s.example.com:6443]: (none) -> {"namespace":"dev","server":"https://production.k8s.example.com:6443"}',
      '1 changed, 0 only in dist/delivery (for qa), 0 only in the sources, 1 the same',
      '',
    ]);
    expect(runCli('diff', ['dev'], dir).stdout).toContain(
      'Application argocd/stagecraft-dev\n  spec.destination.server: "https://nonprod.k8s.example.com:6443" -> "https://production.k8s.example.com:6443"\n2 changed, 0 only in dist/delivery (for dev), ',
    );
  });

  it('with one stage, compares it while another stage file has problems, saying that its delivery objects were not compared', () => {
    const dir = fixtureProject(['dev', 'test']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const objects = readFileSync(join(dir, 'dist', 'test', 'inventory.txt'), 'utf8').match(/^objects: (\d+)$/m)?.[1];
    writeFileSync(join(dir, 'environments', 'dev.yaml'), 'apps:\n  demoapp:\n    replicas: three\n');
    const test = runCli('diff', ['test'], dir);
    expect(test.stdout).toBe(`dist/test and the sources are the same (${objects} objects)\n`);
    expect(test.stderr).toBe(
      'dist/delivery (for test): warning: not compared: it is planned from every stage, and environments/dev.yaml has 2 problems; the comparison of dist/test above is whole\n' +
        '  hint: npm run synth (or npm run diff of that stage) shows the problems; once they are fixed, this diff compares the delivery objects too\n' +
        // as synth --stage test says: dev's node ports are not known while its file does not compile (its edge addresses are written there)
        'test: warning: node ports not compared with those of stage dev: two stages on one cluster may not take one node port, but its stage file changed since its output in dist/ was written, so the node ports it takes are not known without compiling it; the edge addresses (machines, floating IP) that the stage file of stage dev writes were compared\n' +
        '  hint: run npm run synth (every stage) to compare every stage with every other\n',
    );
    expect(test.code).toBe(ExitCode.ok);
    // the stage's own problems are still bad input
    expect(runCli('diff', ['dev'], dir).code).toBe(ExitCode.badInput);
  });

  it("with one stage, fails on the stage's own delivery problems rather than taking them for another stage's", () => {
    const dir = fixtureProject(['dev', 'test', 'qa']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const qaFile = join(dir, 'environments', 'qa.yaml');
    writeFileSync(
      qaFile,
      readFileSync(qaFile, 'utf8').replace('delivery: { cluster: nonprod }', 'namespace: test\ndelivery: { cluster: nonprod }'),
    );
    const qa = runCli('diff', ['qa'], dir);
    expect(qa.code).toBe(ExitCode.badInput);
    expect(qa.stdout).toBe('');
    expect(qa.stderr).toMatch(
      /^environments\/qa\.yaml:31:12: error: namespace: the stages qa and test are both delivered to the namespace 'test'/m,
    );
    expect(qa.stderr).not.toContain('not compared');
  });

  it('with a removed stage, shows its objects leaving while another stage file has problems, as for a stage that is there', () => {
    const dir = fixtureProject(['dev', 'test']);
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, 'environments', 'test.yaml'));
    writeFileSync(join(dir, 'environments', 'dev.yaml'), 'apps:\n  demoapp:\n    replicas: three\n');
    const test = runCli('diff', ['test'], dir);
    expect(test.code).toBe(ExitCode.ok);
    expect(test.stdout).toMatch(/^only in dist\/test: /m);
    expect(test.stdout).toMatch(/^npm run synth removes dist\/test\/; its objects stay in its cluster until deleted: kubectl delete /m);
    expect(test.stderr).toContain(
      'dist/delivery (for test): warning: not compared: it is planned from every stage, and environments/dev.yaml has 2 problems',
    );
  });

  it("takes a stage's delivery files from the engines that deliver it, before or after: its own file and the shared ones", () => {
    const tree = (...paths: string[]) => new Map(paths.map((p) => [p, '']));
    const before = tree(
      'argocd/00-stagecraft.yaml',
      'argocd/10-qa.yaml',
      'argocd/10-dev.yaml',
      'argocd/Kustomization',
      'flux/00-stagecraft.yaml',
      'flux/10-prod.yaml',
    );
    const after = tree(
      'flux/00-stagecraft.yaml',
      'flux/10-qa.yaml',
      'flux/10-prod.yaml',
      'argocd/00-stagecraft.yaml',
      'argocd/10-dev.yaml',
    );
    const [old, now] = deliveryOf('qa', before, after);
    expect([...old.keys()]).toEqual(['argocd/00-stagecraft.yaml', 'argocd/10-qa.yaml', 'argocd/Kustomization', 'flux/00-stagecraft.yaml']);
    expect([...now.keys()]).toEqual(['flux/00-stagecraft.yaml', 'flux/10-qa.yaml', 'argocd/00-stagecraft.yaml']);
    expect(deliveryOf('lab', before, after).map((t) => t.size)).toEqual([0, 0]);
  });

  it('with one stage, reports a file of its dist/ directory that is not YAML (a merge conflict) at its place', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    const file = join(dir, 'dist', 'lab', '10-nginx.yaml');
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf('  replicas: 3\n');
    expect(at).toBeGreaterThan(0);
    writeFileSync(file, `${text.slice(0, at)}<<<<<<< HEAD\n  replicas: 3\n=======\n  replicas: 5\n>>>>>>> feature\n${text.slice(at + 14)}`);
    const line = text.slice(0, at).split('\n').length;
    const r = runCli('diff', ['lab'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^dist/lab/10-nginx\\.yaml:${line}:1: error: `));
    expect(lines[1]).toBe(
      '  hint: the file holds git merge conflict markers, so dist/lab is not what npm run synth writes: resolve the conflict, or run npm run synth to write it again',
    );
    expect(r.stderr).not.toContain('internal error');
  });

  it('refuses a stage that does not exist, and a wrong number of stages', () => {
    const dir = fixtureProject(['lab', 'qa']);
    expect(runCli('diff', ['qa', 'nope'], dir)).toMatchObject({
      code: 2,
      stderr: "error: there is no stage 'nope' (no environments/nope.yaml)\n  hint: the stages are: lab, qa\n1 problem.\n",
    });
    expect(runCli('diff', [], dir)).toMatchObject({ code: 2 });
    // a stage against itself shows nothing that could differ: the stage against its dist/ was meant, or another stage
    expect(runCli('diff', ['qa', 'qa'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: diff compares two different stages (found qa twice)\n' +
        '  hint: npm run diff -- qa shows what its stage file would change in dist/qa; npm run diff -- qa <other stage> compares it with another\n' +
        '1 problem.\n',
    });
  });
});
