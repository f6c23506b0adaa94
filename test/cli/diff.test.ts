import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureProject, repoStage, runCli, tempProject } from '../helpers/cli.js';
import { FLUX_PROJECT, deliveredStageFile as stage } from '../helpers/delivery.js';

describe('npm run diff -- <stage>', () => {
  let dir: string;
  beforeAll(() => {
    dir = fixtureProject(['onprem']);
    expect(runCli('synth', [], dir).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("shows the lines that change in the stage's edge files, which check lists as out of date, after its objects", () => {
    writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem').replace('blue: 30091', 'blue: 30093'));
    const diff = runCli('diff', ['onprem'], dir);
    expect(diff).toMatchObject({ code: 0, stderr: '' });
    expect(diff.stdout).toContain('1 changed, 0 only in dist/onprem, 0 only in the sources');
    const edge = diff.stdout
      .slice(diff.stdout.indexOf('\ndist/onprem/edge/haproxy.cfg\n') + 1)
      .trimEnd()
      .split('\n');
    expect(edge).toEqual([
      'dist/onprem/edge/haproxy.cfg',
      '  - # Service onprem/demoapp-blue, node port 30091 on every node',
      '  - server node1 10.0.0.11:30091 check',
      '  - server node2 10.0.0.12:30091 check',
      '  - server node3 10.0.0.13:30091 check',
      '  + # Service onprem/demoapp-blue, node port 30093 on every node',
      '  + server node1 10.0.0.11:30093 check',
      '  + server node2 10.0.0.12:30093 check',
      '  + server node3 10.0.0.13:30093 check',
      // blue is live: its hosts answer 503 between the apply and the edge's reload
      expect.stringMatching(
        /^ {2}! Service onprem\/demoapp-blue moves from node port 30091 to 30093 while backend demoapp-blue takes traffic \(demoapp\.onprem\.example\.com\): .* answer 503; /,
      ),
    ]);
    const check = runCli('check', [], dir);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toContain('changed: dist/onprem/edge/haproxy.cfg');
  });

  it('does not call the stage and its sources the same when only its edge files differ', () => {
    writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem').replace('gzip: true', 'gzip: false'));
    const diff = runCli('diff', ['onprem'], dir);
    expect(diff).toMatchObject({ code: 0, stderr: '' });
    expect(diff.stdout).not.toContain('are the same');
    expect(diff.stdout).toMatch(
      /^dist\/onprem and the sources have the same objects \(\d+\); their edge files differ:\ndist\/onprem\/edge\/haproxy\.cfg\n {2}- /,
    );
  });

  it('says nothing of the edge while its files are current', () => {
    writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem'));
    const diff = runCli('diff', ['onprem'], dir);
    expect(diff.stdout).toMatch(/^dist\/onprem and the sources are the same \(\d+ objects\)\n$/);
  });

  it('names the files whose bytes alone differ (CRLF line endings, a removed inventory), as check does, never calling them the same', () => {
    writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem'));
    const name = readdirSync(join(dir, 'dist', 'onprem')).find((f) => f.startsWith('10-') && f.endsWith('.yaml'))!;
    const file = join(dir, 'dist', 'onprem', name);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replaceAll('\n', '\r\n'));
    rmSync(join(dir, 'dist', 'onprem', 'inventory.txt'));
    const check = runCli('check', [], dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(
      `changed: dist/onprem/${name}\nmissing: dist/onprem/inventory.txt\n2 files out of date; run: npm run synth\n`,
    );
    const diff = runCli('diff', ['onprem'], dir);
    expect(diff).toMatchObject({ code: 0, stderr: '' });
    expect(diff.stdout).toMatch(
      new RegExp(
        `^dist/onprem and the sources have the same objects \\(\\d+\\), but 2 files differ in their bytes \\(npm run check says they are out of date; npm run synth writes them again\\):\nchanged: dist/onprem/${name.replaceAll('.', '\\.')}\nmissing: dist/onprem/inventory\\.txt\n$`,
      ),
    );
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(runCli('diff', ['onprem'], dir).stdout).toMatch(/^dist\/onprem and the sources are the same \(\d+ objects\)\n$/);
  });

  it('names a file whose bytes alone differ beside objects or edge lines that change, as check does, and no file those lines show', () => {
    const namespace = join(dir, 'dist', 'onprem', '00-namespace.yaml');
    const inventory = join(dir, 'dist', 'onprem', 'inventory.txt');
    const [namespaceText, inventoryText] = [readFileSync(namespace, 'utf8'), readFileSync(inventory, 'utf8')];
    const besides = (files: string[]) =>
      `${files.length === 1 ? '1 file differs besides, where no line above shows it (npm run check says it is out of date' : `${files.length} files differ besides, where no line above shows them (npm run check says they are out of date`}; npm run synth writes ${files.length === 1 ? 'it' : 'them'} again):\n${files.map((f) => `changed: dist/onprem/${f}`).join('\n')}\n`;
    try {
      // an object changed in 10-demoapp.yaml, and 00-namespace.yaml in CRLF
      writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem').replace('LOG_LEVEL: warn', 'LOG_LEVEL: info'));
      writeFileSync(namespace, namespaceText.replaceAll('\n', '\r\n'));
      expect(runCli('check', [], dir).stderr).toContain('changed: dist/onprem/00-namespace.yaml\n');
      let diff = runCli('diff', ['onprem'], dir);
      expect(diff).toMatchObject({ code: 0, stderr: '' });
      expect(diff.stdout).toContain('data.LOG_LEVEL: "warn" -> "info"\n');
      // after the objects' summary line, and only there
      const afterObjects = (stdout: string) => stdout.slice(stdout.indexOf(' the same\n') + ' the same\n'.length);
      expect(afterObjects(diff.stdout)).toBe(besides(['00-namespace.yaml']));
      // the inventory, which changes with the objects, named only when its bytes hold what no object shows (CRLF)
      writeFileSync(inventory, inventoryText.replaceAll('\n', '\r\n'));
      expect(afterObjects(runCli('diff', ['onprem'], dir).stdout)).toBe(besides(['00-namespace.yaml', 'inventory.txt']));
      writeFileSync(inventory, inventoryText);
      // an edge line changed, and 00-namespace.yaml still in CRLF
      writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem').replace('gzip: true', 'gzip: false'));
      diff = runCli('diff', ['onprem'], dir);
      expect(diff.stdout).toMatch(
        /^dist\/onprem and the sources have the same objects \(\d+\); their edge files differ:\ndist\/onprem\/edge\/haproxy\.cfg\n {2}- /,
      );
      // after the edge's lines
      const edgeEnd = diff.stdout.indexOf('\n1 file differs besides') + 1;
      expect(diff.stdout.slice(0, edgeEnd)).toMatch(/\n {2}- compression [^\n]*\n$/);
      expect(diff.stdout.slice(edgeEnd)).toBe(besides(['00-namespace.yaml']));
    } finally {
      writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem'));
      writeFileSync(namespace, namespaceText);
      writeFileSync(inventory, inventoryText);
    }
    expect(runCli('diff', ['onprem'], dir).stdout).toMatch(/^dist\/onprem and the sources are the same \(\d+ objects\)\n$/);
  });

  it('names a file of objects moved or copied by hand, and a kustomization edited by hand, beside objects that change: no object line shows them', () => {
    const onprem = join(dir, 'dist', 'onprem');
    const [namespace, kustomization] = [join(onprem, '00-namespace.yaml'), join(onprem, 'Kustomization')];
    const [namespaceText, kustomizationText] = [readFileSync(namespace, 'utf8'), readFileSync(kustomization, 'utf8')];
    // what diff prints after the objects' summary line, and what check lists (in its order)
    const afterObjects = (stdout: string) => stdout.slice(stdout.indexOf(' the same\n') + ' the same\n'.length);
    const besides = (lines: string[]) =>
      `${lines.length === 1 ? '1 file differs besides, where no line above shows it (npm run check says it is out of date' : `${lines.length} files differ besides, where no line above shows them (npm run check says they are out of date`}; npm run synth writes ${lines.length === 1 ? 'it' : 'them'} again):\n${lines.join('\n')}\n`;
    try {
      writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem').replace('LOG_LEVEL: warn', 'LOG_LEVEL: info'));
      // renamed by hand: the Namespace is in dist/onprem all the same, printed neither leaving nor arriving
      renameSync(namespace, join(onprem, '05-namespace.yaml'));
      let diff = runCli('diff', ['onprem'], dir);
      expect(diff).toMatchObject({ code: 0, stderr: '' });
      expect(diff.stdout).toContain('data.LOG_LEVEL: "warn" -> "info"\n');
      expect(diff.stdout).not.toContain('Namespace onprem');
      const moved = ['missing: dist/onprem/00-namespace.yaml', 'not produced by the sources: dist/onprem/05-namespace.yaml'];
      expect(runCli('check', [], dir).stderr).toContain(`${moved.join('\n')}\n`);
      expect(afterObjects(diff.stdout)).toBe(besides(moved));
      // copied by hand: a second Namespace onprem, which kubectl applies once
      writeFileSync(namespace, namespaceText);
      diff = runCli('diff', ['onprem'], dir);
      expect(afterObjects(diff.stdout)).toBe(besides(['not produced by the sources: dist/onprem/05-namespace.yaml']));
      rmSync(join(onprem, '05-namespace.yaml'));
      // a resource listed by hand, which kubectl apply -k reads: the objects changed list no file
      writeFileSync(kustomization, `${kustomizationText}  - extra.yaml\n`);
      expect(runCli('check', [], dir).stderr).toContain('changed: dist/onprem/Kustomization\n');
      expect(afterObjects(runCli('diff', ['onprem'], dir).stdout)).toBe(besides(['changed: dist/onprem/Kustomization']));
      writeFileSync(kustomization, kustomizationText);
      // removed by hand: its object is printed arriving, and the file is not named besides
      rmSync(namespace);
      diff = runCli('diff', ['onprem'], dir);
      expect(diff.stdout).toContain('only in the sources: Namespace onprem\n');
      expect(diff.stdout).not.toContain('differs besides');
    } finally {
      writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem'));
      rmSync(join(onprem, '05-namespace.yaml'), { force: true });
      writeFileSync(namespace, namespaceText);
      writeFileSync(kustomization, kustomizationText);
    }
    expect(runCli('diff', ['onprem'], dir).stdout).toMatch(/^dist\/onprem and the sources are the same \(\d+ objects\)\n$/);
  });

  it('calls an output folder its only file was removed from no foreign entry, check and diff alike, as synth does; an empty folder of a hand still', () => {
    writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem'));
    const file = join(dir, 'dist', 'onprem', 'edge', 'haproxy.cfg');
    const text = readFileSync(file, 'utf8');
    try {
      rmSync(file);
      const check = runCli('check', [], dir);
      expect(check.stderr).toBe('missing: dist/onprem/edge/haproxy.cfg\n1 file out of date; run: npm run synth\n');
      expect(runCli('diff', ['onprem'], dir).stderr).toBe('');
      mkdirSync(join(dir, 'dist', 'onprem', 'notes'));
      const foreign = 'warning: dist/ holds files that stagecraft did not write; they are left as they are: dist/onprem/notes/\n';
      expect(runCli('check', [], dir).stderr).toContain(foreign);
      expect(runCli('diff', ['onprem'], dir).stderr).toContain(foreign);
    } finally {
      rmSync(join(dir, 'dist', 'onprem', 'notes'), { recursive: true, force: true });
      writeFileSync(file, text);
    }
    expect(runCli('check', [], dir)).toMatchObject({ code: 0, stderr: '' });
  });

  it("names an edge file whose lines differ only where none printed shows it (CRLF, a byte order mark, spaces), never listing them removed and added alike, and shows an edge file's real lines without its CRLF", () => {
    writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem'));
    const file = join(dir, 'dist', 'onprem', 'edge', 'haproxy.cfg');
    const text = readFileSync(file, 'utf8');
    const bytesAlone =
      /^dist\/onprem and the sources have the same objects \(\d+\), but 1 file differs in its bytes \(npm run check says it is out of date; npm run synth writes it again\):\nchanged: dist\/onprem\/edge\/haproxy\.cfg\n$/;
    try {
      for (const edited of [text.replaceAll('\n', '\r\n'), `\ufeff${text}`, text.replace('\nglobal\n', '\nglobal  \n')]) {
        writeFileSync(file, edited);
        expect(runCli('check', [], dir).stderr).toContain('changed: dist/onprem/edge/haproxy.cfg\n');
        const diff = runCli('diff', ['onprem'], dir);
        expect(diff).toMatchObject({ code: 0, stderr: '' });
        expect(diff.stdout).toMatch(bytesAlone);
      }
      // a line changed in a CRLF file: that line, not every one
      writeFileSync(file, text.replace('\nglobal\n', '\nglobal\n  maxconn 1\n').replaceAll('\n', '\r\n'));
      expect(runCli('diff', ['onprem'], dir).stdout).toMatch(
        /^dist\/onprem and the sources have the same objects \(\d+\); their edge files differ:\ndist\/onprem\/edge\/haproxy\.cfg\n {2}- maxconn 1\n$/,
      );
    } finally {
      writeFileSync(file, text);
    }
  });

  it('says a file a hand added to dist/<stage>, which kubectl apply -f reads, as check does, while the objects are the same', () => {
    writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem'));
    const added = join(dir, 'dist', 'onprem', 'extra.yaml');
    writeFileSync(added, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: by-hand\n');
    try {
      const said =
        "warning: dist/ holds files that stagecraft did not write; they are left as they are: dist/onprem/extra.yaml\n  hint: stagecraft replaces only the files it generated (they start with a 'Generated by stagecraft' header); keep hand-written files out of dist/<stage>/ if kubectl apply -f should not read them\n";
      expect(runCli('check', [], dir).stderr).toContain(said);
      const diff = runCli('diff', ['onprem'], dir);
      expect(diff).toMatchObject({ code: 0, stderr: said });
      expect(diff.stdout).toMatch(/^dist\/onprem and the sources are the same \(\d+ objects\)\n$/);
    } finally {
      rmSync(added);
    }
  });

  it('names a file of dist/<stage> holding a character that turns the line around (U+202E) with its escape, in check and diff alike', () => {
    writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem'));
    const foreign = join(dir, 'dist', 'onprem', 'notes\u202e.txt');
    const generated = join(dir, 'dist', 'onprem', '10-x\u202e.yaml');
    writeFileSync(foreign, 'by hand\n');
    writeFileSync(generated, readFileSync(join(dir, 'dist', 'onprem', '00-namespace.yaml')));
    try {
      for (const r of [runCli('check', [], dir), runCli('diff', ['onprem'], dir)]) {
        const out = r.stdout + r.stderr;
        expect(out).toContain('dist/onprem/notes\\u202e.txt');
        expect(out).not.toContain('\u202e');
      }
      expect(runCli('check', [], dir).stderr).toContain('not produced by the sources: dist/onprem/10-x\\u202e.yaml\n');
    } finally {
      rmSync(foreign);
      rmSync(generated);
    }
  });

  it('says that a symbolic link in the place of dist/<stage>, which synth refuses, is read as nothing', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'onprem-elsewhere-'));
    renameSync(join(dir, 'dist', 'onprem'), join(elsewhere, 'onprem'));
    symlinkSync(join(elsewhere, 'onprem'), join(dir, 'dist', 'onprem'));
    try {
      const diff = runCli('diff', ['onprem'], dir);
      expect(diff.code).toBe(0);
      expect(diff.stdout).toMatch(/, 0 the same\n/);
      expect(diff.stderr).toBe(
        "warning: dist/onprem is not a directory that stagecraft wrote (it is a symbolic link), and the output of stage 'onprem' goes there: compared as empty, since nothing is read through it (npm run synth refuses it)\n  hint: move dist/onprem away, then run the command again\n",
      );
      expect(runCli('synth', [], dir).stderr).toContain(
        'error: dist/onprem is not a directory that stagecraft wrote (it is a symbolic link)',
      );
    } finally {
      rmSync(join(dir, 'dist', 'onprem'));
      renameSync(join(elsewhere, 'onprem'), join(dir, 'dist', 'onprem'));
    }
    expect(runCli('diff', ['onprem'], dir).stderr).toBe('');
  });
});

describe('npm run diff -- <stage> with stages Flux delivers in promotion order (test, qa, production)', () => {
  let dir: string;
  const qa = (delivery: string) => stage(delivery, 'promotion: { from: test }\n');
  beforeAll(() => {
    dir = tempProject({
      test: stage('{ cluster: nonprod }'),
      qa: qa('{ cluster: nonprod }'),
      production: stage('{ cluster: prod }', 'promotion: { from: qa }\n'),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("shows production's Kustomization waiting for test instead once qa is paused, as synth announces it", () => {
    writeFileSync(join(dir, 'environments', 'qa.yaml'), qa('{ cluster: nonprod, sync: { automated: false } }'));
    const diff = runCli('diff', ['qa'], dir);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(
      [
        'Kustomization flux-system/stagecraft-production',
        '  spec.dependsOn[stagecraft-qa]: {"name":"stagecraft-qa"} -> (none)',
        '  spec.dependsOn[stagecraft-test]: (none) -> {"name":"stagecraft-test"}',
        'Kustomization flux-system/stagecraft-qa',
        '  spec.suspend: (none) -> true',
        '2 changed, 0 only in dist/delivery (for qa), 0 only in the sources, 1 the same',
      ].join('\n'),
    );
  });

  it("shows production's Kustomization waiting for qa no more once qa moves to Argo CD", () => {
    writeFileSync(join(dir, 'environments', 'qa.yaml'), qa('{ cluster: prod, engine: argocd }'));
    const diff = runCli('diff', ['qa'], dir);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(
      'Kustomization flux-system/stagecraft-production\n  spec.dependsOn: [{"name":"stagecraft-qa"}] -> (none)\n',
    );
  });

  it("leaves out another stage's Kustomization that changes for its own reasons while it still waits for the stage", () => {
    writeFileSync(join(dir, 'environments', 'qa.yaml'), qa('{ cluster: nonprod }'));
    const production = join(dir, 'environments', 'production.yaml');
    writeFileSync(production, stage('{ cluster: prod, sync: { automated: false } }', 'promotion: { from: qa }\n'));
    expect(runCli('diff', ['qa'], dir).stdout).toBe(
      'dist/qa and the sources are the same (3 objects)\ndist/delivery (for qa) and the sources are the same (2 objects)\n',
    );
    expect(runCli('diff', ['production'], dir).stdout).toContain(
      'Kustomization flux-system/stagecraft-production\n  spec.suspend: (none) -> true\n',
    );
    writeFileSync(production, stage('{ cluster: prod }', 'promotion: { from: qa }\n'));
  });
});

describe('npm run diff -- <stage> of dist/delivery/ as an older stagecraft or a hand wrote it', () => {
  it('shows its repository URLs without the credentials they hold (repoURL, sourceRepos)', () => {
    const dir = tempProject({ dev: stage('{ cluster: prod }'), qa: stage('{ cluster: prod }', 'promotion: { from: dev }\n') });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT.replace('engine: flux', 'engine: argocd'));
    expect(runCli('synth', [], dir).code).toBe(0);
    const argocd = join(dir, 'dist', 'delivery', 'argocd');
    for (const f of readdirSync(argocd).filter((f) => f.endsWith('.yaml'))) {
      const text = readFileSync(join(argocd, f), 'utf8');
      writeFileSync(
        join(argocd, f),
        text.replaceAll('https://git.example.com/team/app.git', 'https://ci:s3cr3t@git.example.com:team/app.git?token=t0k3n'),
      );
    }
    const diff = runCli('diff', ['qa'], dir);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(
      'spec.source.repoURL: "https://<credentials 1>@git.example.com:team/app.git?<credentials 2>" -> "https://git.example.com/team/app.git"',
    );
    expect(diff.stdout).toContain('spec.sourceRepos[0]');
    for (const secret of ['s3cr3t', 't0k3n']) expect(`${diff.stdout}${diff.stderr}`).not.toContain(secret);
  });
});

describe('npm run diff -- <stage> of a dist/ that holds a secret (committed by hand, or by an older stagecraft)', () => {
  it('shows that its value leaves, never the value', () => {
    const dir = fixtureProject(['dev']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const file = join(dir, 'dist', 'dev', '10-demoapp.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('  LOG_LEVEL: debug\n');
    writeFileSync(file, text.replace('  LOG_LEVEL: debug\n', '  LOG_LEVEL: debug\n  DB_PASSWORD: hunter2-Xy9pq!\n'));
    const diff = runCli('diff', ['dev'], dir);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(
      /^ConfigMap dev\/demoapp-config-[0-9a-f]{10}\n {2}data\.DB_PASSWORD: \(a 14-character value, hidden\) -> \(none\)\n/m,
    );
    expect(`${diff.stdout}${diff.stderr}`).not.toContain('hunter2');
  });
});

describe("promote's lines about the objects it changes, of a dist/ that holds a secret (lib/diff/README)", () => {
  it('hide the value as the diff does, and show what changes beside it', () => {
    const dir = tempProject({
      dev: repoStage('dev'),
      test: repoStage('test').replace('image: demoapp:1\n', 'image: demoapp:1.2\n'),
      qa: repoStage('qa'),
    });
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      const file = join(dir, 'dist', 'qa', '10-demoapp.yaml');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('  LOG_LEVEL: info\n');
      writeFileSync(file, text.replace('  LOG_LEVEL: info\n', '  LOG_LEVEL: info\n  DB_PASSWORD: hunter2-Xy9pq!\n'));
      // --force: the stage's output, edited by hand, is written again with the release
      const r = runCli('promote', ['test', 'qa', '--force'], dir);
      expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^ {4}data\.DB_PASSWORD: \(a 14-character value, hidden\) -> \(none\)$/m);
      expect(r.stdout).toContain('"demoapp:1" -> "demoapp:1.2"');
      expect(`${r.stdout}${r.stderr}`).not.toContain('hunter2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
