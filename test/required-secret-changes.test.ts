/** Secrets a change makes the pods read that the cluster may not have: they are to be applied before the output. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStage } from '../lib/compile-stage.js';
import { formatProblem } from '../lib/errors.js';
import { textTree } from '../lib/synth/file-content.js';
import { REPO } from './helpers/cli.js';

const FILE = 'environments/team.yaml';
const STAGE = readFileSync(join(REPO, 'test/fixtures/stages/day-two.yaml'), 'utf8');

/** The warnings about Secrets when `after` is compiled as stage `team` over the output of `before`, as the CLI prints them. */
function warnings(before: string, after: string): string[] {
  const first = compileStage({ stage: 'team', file: FILE, text: before }, {});
  expect(first.problems).toEqual([]);
  const dist = textTree(first.files!);
  const outcome = compileStage({ stage: 'team', file: FILE, text: after, readOutput: (f) => dist.get(f) }, {});
  expect(outcome.problems).toEqual([]);
  return (outcome.notices ?? []).filter((p) => p.code === 'output/secret-first').map(formatProblem);
}

/** `file:line:col` of the first line of `text` holding `needle`, at its column (1-based). */
function at(text: string, needle: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  return `${FILE}:${i + 1}:${lines[i].indexOf(needle) + 1}`;
}

describe('a Secret the pods now read', () => {
  it('is a key to set and apply with npm run secrets before the output, at the Secret it is added to', () => {
    const after = STAGE.replace('DB_PASSWORD: password }', 'DB_PASSWORD: password, DB_HOST: host }');
    expect(warnings(STAGE, after)).toEqual([
      `${at(after, 'api-db:')}: warning: Secret team/api-db: the stage now reads key 'host' of it, which its output did not need before ` +
        '(stagecraft never writes a Secret to dist/team/): pods that start after kubectl apply fail (CreateContainerConfigError) until it is in the Secret\n' +
        '  hint: set API_DB_HOST in .secrets/team.env (or the environment), then apply the Secrets first: npm run --silent secrets -- team | kubectl apply -f -',
    ]);
  });

  it('is a new Secret to make first, and one made outside stagecraft is to be made where it is made', () => {
    const after = STAGE.replace('    secrets:\n', '    secrets:\n      api-cache: { CACHE_TOKEN: token }\n').replace(
      '    resources:\n',
      '    ingress: { host: api.example.com, tlsSecret: api-tls }\n    resources:\n',
    );
    expect(warnings(STAGE, after)).toEqual([
      `${at(after, 'api-cache:')}: warning: Secret team/api-cache: the stage now needs this Secret (key 'token'), which its output did not need before ` +
        '(stagecraft never writes a Secret to dist/team/): pods that start after kubectl apply fail (CreateContainerConfigError) until the Secret exists\n' +
        '  hint: set API_CACHE_TOKEN in .secrets/team.env (or the environment), then apply the Secrets first: npm run --silent secrets -- team | kubectl apply -f -',
      `${at(after, 'api-tls }')}: warning: Secret team/api-tls: the stage now needs this Secret (keys 'tls.crt', 'tls.key'), which its output did not need before ` +
        "(stagecraft never writes a Secret to dist/team/): Ingress team/api serves the ingress controller's default certificate (or none) after kubectl apply until the Secret exists\n" +
        '  hint: make the Secret where it is made (outside stagecraft) before applying dist/team',
    ]);
  });

  it('is not warned about when a key is no longer read, nor when nothing about the Secrets changed', () => {
    expect(warnings(STAGE, STAGE.replace('DB_USER: username, ', ''))).toEqual([]);
    expect(warnings(STAGE, STAGE.replace('image: team/api:1.4.2', 'image: team/api:1.4.3'))).toEqual([]);
  });
});
