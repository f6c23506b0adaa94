/**
 * The mount table (/proc/self/mountinfo) that a write checks its renames against is read and parsed
 * once per transaction, however many stage directories and project files it replaces.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { promotableProject, runProcess } from '../helpers/cli.js';

const MOUNTINFO = '/proc/self/mountinfo';

describe.skipIf(!existsSync(MOUNTINFO))('a write transaction', () => {
  it('reads the mount table once for three stage directories replaced (one holding a foreign file) and the schema', () => {
    const dir = promotableProject();
    writeFileSync(join(dir, 'dist', 'qa', 'NOTES.md'), 'hand-written\n');
    // the schema out of date, so that the same transaction replaces a project file too
    const schema = join(dir, 'environments', 'stage.schema.json');
    const current = readFileSync(schema, 'utf8');
    writeFileSync(schema, `${current} `);
    for (const s of ['dev', 'test', 'qa']) {
      const file = join(dir, 'environments', `${s}.yaml`);
      writeFileSync(file, readFileSync(file, 'utf8').replace('LOG_LEVEL: ', 'LOG_LEVEL: x'));
    }
    // every read of the mount table, by the command's threads, noted in a file (the command is one bundle: fs's functions are looked up at each call)
    const preload = join(dir, 'count-mount-table.cjs');
    const reads = join(dir, 'reads');
    writeFileSync(
      preload,
      `const fs = require('node:fs');\nconst read = fs.readFileSync;\n` +
        `fs.readFileSync = function (p, ...rest) {\n  if (p === ${JSON.stringify(MOUNTINFO)}) fs.appendFileSync(${JSON.stringify(reads)}, 'read\\n');\n  return read.call(this, p, ...rest);\n};\n`,
    );
    writeFileSync(reads, '');
    const r = runProcess('synth', ['--no-cache'], dir, { NODE_OPTIONS: `--require ${preload}` });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/ changed, /g)).toHaveLength(3);
    expect(readFileSync(join(dir, 'dist', 'qa', 'NOTES.md'), 'utf8')).toBe('hand-written\n');
    expect(readFileSync(schema, 'utf8')).toBe(current);
    expect(readFileSync(reads, 'utf8')).toBe('read\n');
  });
});
