/** Where the edge's hosts are to be pointed after an edge put back or a floating IP that comes or moves: lib/edge/dns-changes.ts. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoStage, runCli, tempProject } from '../helpers/cli.js';

const LAB = repoStage('lab');
const withoutEdge = (t: string) => t.slice(0, t.indexOf('edge:')) + t.slice(t.indexOf('apps:'));
const withoutFloating = (t: string) => t.replace(/^ {2}floatingIp: .*\n/m, '');
const moved = (t: string) => t.replace('192.168.122.150/24', '192.168.122.151/24');

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The lab stage synthesized as `first` writes it, then its stage file made `then` and compared (npm run diff) and synthesized. */
function changed(first: string, then: string) {
  dir = tempProject({ lab: first });
  expect(runCli('synth', [], dir).code).toBe(0);
  writeFileSync(join(dir, 'environments', 'lab.yaml'), then);
  const diff = runCli('diff', ['lab'], dir);
  const synth = runCli('synth', ['--verbose'], dir);
  expect(synth.code, synth.stderr).toBe(0);
  return { diff: diff.stdout, synth: synth.stderr, again: runCli('synth', ['--verbose'], dir).stderr };
}

describe("the address an edge's hosts are to be pointed at", () => {
  it('is said once of a floating IP moved to another address: the machines first, then the new address, by diff under its keepalived.conf as by synth', () => {
    const { diff, synth, again } = changed(LAB, moved(LAB));
    const message =
      'the floating IP moves from 192.168.122.150/24 to 192.168.122.151/24: keepalived reloaded with these files gives 192.168.122.150 up and holds 192.168.122.151, and clients that resolve nginx.traininglab.com to 192.168.122.150 then reach no edge until their DNS names 192.168.122.151';
    const hint =
      "first point the DNS of nginx.traininglab.com at the edge machines' own addresses (192.168.122.140 and 192.168.122.141, where haproxy listens too) and wait out its TTL, then install and reload keepalived on every machine as README's steps say, then point the DNS at 192.168.122.151";
    expect(synth).toContain(`environments/lab.yaml:14:26: warning: ${message}\n  hint: ${hint}\n`);
    expect(diff).toContain(
      `dist/lab/edge/keepalived-haproxy1.conf\n  - 192.168.122.150/24 dev eth0\n  + 192.168.122.151/24 dev eth0\n  ! ${message}; ${hint}\n`,
    );
    expect(diff.match(/the floating IP moves/g)).toHaveLength(1);
    expect(again).not.toContain('the floating IP moves');
  });

  it('is said of an edge put back into the stage file, with its floating IP, once', () => {
    dir = tempProject({ lab: LAB });
    expect(runCli('synth', [], dir).code).toBe(0);
    const file = join(dir, 'environments', 'lab.yaml');
    writeFileSync(file, withoutEdge(LAB));
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(file, LAB);
    const diff = runCli('diff', ['lab'], dir).stdout;
    const synth = runCli('synth', ['--verbose'], dir).stderr;
    const message =
      "the edge is new in this stage's output, or back (its output in dist/ had no edge/haproxy.cfg): nothing sends nginx.traininglab.com to it until their DNS names the floating IP 192.168.122.150";
    const hint =
      "install these edge files on haproxy1 and haproxy2 and start haproxy and keepalived there (enabled and started where it was stopped, as README's steps say), then point the DNS of nginx.traininglab.com at 192.168.122.150";
    expect(synth).toContain(`environments/lab.yaml:11:3: warning: ${message}\n  hint: ${hint}\n`);
    expect(diff).toContain(`dist/lab/edge/haproxy.cfg: added\n  ! ${message}; ${hint}\n`);
    expect(runCli('synth', ['--verbose'], dir).stderr).not.toContain('the edge is new');
  });

  it("is said of a floating IP that comes to an edge, and of an edge put back without one: at the machines' addresses", () => {
    const { synth } = changed(withoutFloating(LAB), LAB);
    expect(synth).toContain(
      "warning: the edge now moves the floating IP 192.168.122.150/24: nginx.traininglab.com reach it at that address only once their DNS names it (until then, at the machines' own addresses their DNS names, 192.168.122.140 and 192.168.122.141)\n" +
        "  hint: once keepalived holds it (these files installed and keepalived started on every edge machine, as README's steps say), point the DNS of nginx.traininglab.com at 192.168.122.150\n",
    );
    rmSync(dir, { recursive: true, force: true });
    const back = changed(withoutEdge(LAB), withoutFloating(LAB));
    expect(back.synth).toContain("until their DNS names the edge machines' addresses (192.168.122.140 and 192.168.122.141)");
    expect(back.synth).toContain('then point the DNS of nginx.traininglab.com at 192.168.122.140 and 192.168.122.141\n');
  });

  it("is not said by a stage's first synthesis, nor of a change that keeps the address (a machine renamed, an address written otherwise)", () => {
    dir = tempProject({ lab: LAB });
    expect(runCli('synth', ['--verbose'], dir).stderr).not.toContain('edge/point-dns');
    expect(runCli('synth', ['--verbose'], dir).stderr).not.toMatch(/point the DNS/);
    rmSync(dir, { recursive: true, force: true });
    const { synth, diff } = changed(LAB, LAB.replaceAll('haproxy2', 'haproxy9'));
    expect(synth).not.toMatch(/floating IP moves|edge is new|point the DNS of/);
    expect(diff).not.toMatch(/floating IP moves|edge is new/);
  });

  it.each([
    ['its haproxy.cfg', ['haproxy.cfg']],
    ['every keepalived.conf', ['keepalived-haproxy1.conf', 'keepalived-haproxy2.conf']],
  ])('is not said when a hand took %s out of dist/ (the inventory records it): the edge and its floating IP were there', (_, files) => {
    dir = tempProject({ lab: LAB });
    expect(runCli('synth', [], dir).code).toBe(0);
    for (const f of files) rmSync(join(dir, 'dist', 'lab', 'edge', f));
    const diff = runCli('diff', ['lab'], dir);
    expect(diff.stdout).toContain(`dist/lab/edge/${files[0]}: added`);
    expect(diff.stdout).not.toMatch(/edge is new|floating IP|point the DNS/);
    const synth = runCli('synth', ['--verbose'], dir);
    expect(synth.code, synth.stderr).toBe(0);
    expect(synth.stderr).not.toContain('edge/point-dns');
    expect(synth.stderr).not.toMatch(/edge is new|now moves the floating IP|point the DNS/);
  });

  it('names the first hosts of an edge that publishes dozens, then how many more, as every edge message does', () => {
    const many = (t: string) =>
      t.replace(
        '        nginx.traininglab.com: nginx\n',
        Array.from({ length: 40 }, (_, i) => `        host${String(i).padStart(2, '0')}.traininglab.com: nginx\n`).join(''),
      );
    const { synth } = changed(many(LAB), moved(many(LAB)));
    const said = synth.split('\n').filter((l) => l.includes('floating IP moves') || l.includes('first point the DNS of'));
    expect(said).toHaveLength(2);
    for (const l of said) expect(l).toContain('host00.traininglab.com, host01.traininglab.com, host02.traininglab.com and 37 more');
    expect(synth).not.toContain('host39');
  });
});
