import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { schemaText } from '../../lib/compile.js';
import { openProject } from '../../lib/cli/project.js';
import { REPO } from '../helpers/cli.js';

const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(schemaText()) as object);
const valid = (yaml: string) => validate(parse(yaml));

describe('the editor schema (environments/stage.schema.json)', () => {
  it.each(openProject(REPO).stages)('accepts the stage file %s', (stage) => {
    expect(valid(readFileSync(join(REPO, 'environments', `${stage}.yaml`), 'utf8')), JSON.stringify(validate.errors)).toBe(true);
  });

  it('checks an app that names its stack against that stack, flagging unknown keys', () => {
    expect(valid('apps:\n  web:\n    stack: nginx\n    replicas: 2\n')).toBe(true);
    expect(valid('apps:\n  web:\n    stack: nginx\n    replcas: 2\n')).toBe(false);
    expect(
      validate.errors?.some(
        (e) => e.keyword === 'additionalProperties' && (e.params as { additionalProperty?: string }).additionalProperty === 'replcas',
      ),
    ).toBe(true);
    expect(valid('apps:\n  web:\n    stack: service\n    image: a:1\n    port: 80\n')).toBe(false);
  });

  it('refuses image together with blueGreen, under the stack name and under another name', () => {
    const bg = 'blueGreen: { live: blue, blue: a:1, green: a:1 }';
    expect(valid(`apps:\n  api:\n    stack: service\n    ${bg}\n`)).toBe(true);
    expect(valid(`apps:\n  api:\n    stack: service\n    image: a:1\n    ${bg}\n`)).toBe(false);
    expect(valid(`apps:\n  service:\n    image: a:1\n    ${bg}\n`)).toBe(false);
  });
});
