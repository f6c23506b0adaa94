/** Edge files of dist/ edited by hand, which a synthesis writes again: lib/edge/hand-edits.ts. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { handEditWarnings } from '../../lib/edge/hand-edits.js';
import { repoStage, runCli, tempProject } from '../helpers/cli.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The lab stage synthesized, then `edit` applied to the files of its output named. */
function edited(edits: Record<string, (text: string) => string>): string {
  dir = tempProject({ lab: repoStage('lab') });
  expect(runCli('synth', [], dir).code).toBe(0);
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, 'dist', 'lab', file);
    writeFileSync(path, edit(readFileSync(path, 'utf8')));
  }
  return dir;
}

const HINT =
  "  hint: an edit that was committed shows going in git diff dist/; make the change in the stage file's edge: settings, which every synthesis keeps (stagecraft writes the whole file: what no setting says cannot be kept there)\n";

describe('an edge file of dist/ edited by hand', () => {
  it('is warned of once by the synthesis that writes it again: what the hand changed leaves the edge at its next reload', () => {
    edited({ 'edge/haproxy.cfg': (t) => t.replace('timeout connect 5s', 'timeout connect 50s') });
    const r = runCli('synth', ['--verbose'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "environments/lab.yaml:11:3: warning: edge/haproxy.cfg of this stage's output in dist/ was edited by hand since the synthesis that wrote it (its bytes are not those inventory.txt records): written again as the stage file says, so what the hand changed leaves the edge machines at their next reload\n" +
        HINT,
    );
    expect(r.stderr).not.toContain('50s');
    expect(readFileSync(join(dir, 'dist', 'lab', 'edge', 'haproxy.cfg'), 'utf8')).toContain('timeout connect 5s\n');
    expect(runCli('synth', ['--verbose'], dir).stderr).not.toContain('edited by hand');
  });

  it('names every file edited, a keepalived.conf too, and never quotes what the hand wrote (a credential may be there)', () => {
    edited({
      'edge/haproxy.cfg': (t) => `${t}\nuserlist admins\n    user ops insecure-password Sup3rS3cretPw\n`,
      'edge/keepalived-haproxy2.conf': (t) => t.replace('priority 140', 'priority 145'),
    });
    const { stderr } = runCli('synth', ['--verbose'], dir);
    expect(stderr).toContain(
      "warning: edge/haproxy.cfg and edge/keepalived-haproxy2.conf of this stage's output in dist/ were edited by hand since the synthesis that wrote them (their bytes",
    );
    expect(stderr).not.toContain('Sup3rS3cretPw');
  });

  it('is shown by npm run diff without the secret a hand put there: such a line is said by its length', () => {
    edited({
      'edge/haproxy.cfg': (t) => t.replace('    timeout connect 5s\n', '    timeout connect 5s\n    stats auth admin:Sup3rS3cretPw\n'),
    });
    const { stdout } = runCli('diff', ['lab'], dir);
    expect(stdout).toContain('dist/lab/edge/haproxy.cfg\n  - (a line of 30 characters holding a secret, hidden)\n');
    expect(stdout).not.toContain('Sup3rS3cretPw');
  });

  it.each([
    ['edge/keepalived-haproxy2.conf', '    authentication { auth_type PASS auth_pass Xk9#mQ2p }', 'Xk9#mQ2p'],
    ['edge/haproxy.cfg', '    stats auth admin:x#1', 'admin:x#1'],
    ['edge/haproxy.cfg', '    user ops password $1$abc$def', '$1$abc$def'],
    ['edge/haproxy.cfg', '    http-request set-header Authorization basic-ops-9', 'basic-ops-9'],
  ])('is shown by npm run diff without a credential a hand put in %s that looks like no secret (%s)', (file, line, secret) => {
    edited({ [file]: (t) => `${t}${line}\n` });
    const { stdout } = runCli('diff', ['lab'], dir);
    expect(stdout).toContain(`dist/lab/${file}\n  - (a line of ${line.trim().length} characters holding a secret, hidden)\n`);
    expect(stdout).not.toContain(secret);
  });

  it('is warned of in a keepalived.conf when a hand took haproxy.cfg away too', () => {
    edited({ 'edge/keepalived-haproxy2.conf': (t) => t.replace('priority 140', 'priority 145') });
    rmSync(join(dir, 'dist', 'lab', 'edge', 'haproxy.cfg'));
    const r = runCli('synth', ['--verbose'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("warning: edge/keepalived-haproxy2.conf of this stage's output in dist/ was edited by hand");
  });

  it('shows a line whose host is only named like a credential word (password.traininglab.com) as it is', () => {
    edited({ 'edge/haproxy.cfg': (t) => t.replaceAll('nginx.traininglab.com', 'password.traininglab.com') });
    const { stdout } = runCli('diff', ['lab'], dir);
    expect(stdout).toMatch(/^ {2}- .*password\.traininglab\.com/m);
    expect(stdout).not.toContain('holding a secret');
  });

  it('is not warned of when the output is as its synthesis wrote it, however the stage file changed', () => {
    edited({});
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('192.168.122.150/24', '192.168.122.151/24'));
    expect(runCli('synth', ['--verbose'], dir).stderr).not.toContain('edited by hand');
  });

  it('is not warned of when an editor gave the file only CRLF line endings or a byte order mark: no line leaves, as diff shows none; warned of with a real edit among them', () => {
    const crlf = (t: string) => `\uFEFF${t.replaceAll('\n', '\r\n')}`;
    edited({ 'edge/haproxy.cfg': crlf, 'edge/keepalived-haproxy1.conf': crlf });
    expect(runCli('diff', ['lab'], dir).stdout).not.toMatch(/^ {2}[-+] /m);
    const r = runCli('synth', ['--verbose'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('edited by hand');
    expect(readFileSync(join(dir, 'dist', 'lab', 'edge', 'haproxy.cfg'), 'utf8')).not.toContain('\r');
    rmSync(dir, { recursive: true, force: true });
    edited({ 'edge/haproxy.cfg': (t) => crlf(t.replace('timeout connect 5s', 'timeout connect 50s')) });
    expect(runCli('synth', ['--verbose'], dir).stderr).toContain(
      "warning: edge/haproxy.cfg of this stage's output in dist/ was edited by hand",
    );
  });

  it("reads no file but an edge file's that an inventory edited by hand names (edge/../../etc/hosts is left alone)", () => {
    const read: string[] = [];
    const inventory = 'objects: 0\nedge files: 2\nsha256:0123456789abcdef edge/../../etc/hosts\nsha256:0123456789abcdef edge/haproxy.cfg\n';
    const warnings = handEditWarnings(
      (f) => {
        read.push(f);
        return 'global\n';
      },
      inventory,
      new Map([['edge/haproxy.cfg', 'defaults\n']]),
    );
    expect(read).toEqual(['edge/haproxy.cfg']);
    expect(warnings.map((w) => w.message.split(' of ')[0])).toEqual(['edge/haproxy.cfg']);
  });
});
