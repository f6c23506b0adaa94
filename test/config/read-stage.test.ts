/**
 * Reading a stage file's text (lib/config/read-stage.ts): a file whose lines end in a carriage
 * return alone (classic Mac OS), which the yaml library reads as one line, is refused at the first
 * such line ending, saying what it is and how to convert the file; never "the stage file is empty"
 * or a setting lost in a comment. CRLF is read as LF is.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStage } from '../../lib/config/read-stage.js';
import { problems } from '../helpers/stage.js';
import { runCli, tempProject } from '../helpers/cli.js';

const LAB = ['# the lab', 'apps:', '  nginx:', '    replicas: 1', ''];
const HINT =
  "  hint: save the file with LF line endings (your editor's line-ending setting, or: perl -pi -e 's/\\r\\n?/\\n/g' environments/lab.yaml); to keep a carriage return in a value, write it as \\r inside double quotes";
const at = (place: string) =>
  `environments/lab.yaml:${place}: this line ends with a carriage return alone (CR, the line ending of classic Mac OS), which stagecraft's YAML reader does not take for a line break: it would read this line and the next as one\n${HINT}`;

describe('a stage file with lines ending in a carriage return alone', () => {
  it.each([
    ['every line, the first a comment (read as one comment: "the stage file is empty")', LAB.join('\r'), '1:10'],
    ['every line, the first a setting (read as one line of nested mappings)', LAB.slice(1).join('\r'), '1:6'],
    ['one line of an LF file, a comment before a setting (which it would hide)', 'apps:\n  nginx: # web\r    replicas: 2\n', '2:15'],
    ['one line of a CRLF file', 'apps:\r\n  nginx:\r    replicas: 2\r\n', '2:9'],
  ])('is refused at the first, with the conversion: %s', (_, text, place) => {
    expect(problems(text, 'environments/lab.yaml')).toEqual([at(place)]);
  });

  it('is refused by both readers (the block reader and the yaml library) alike', () => {
    for (const blockReader of [true, false])
      expect(() => readStage(LAB.join('\r'), 'environments/lab.yaml', [], { blockReader })).toThrow(/carriage return alone/);
  });

  it('is refused by synth with exit code 2, nothing written', () => {
    const dir = tempProject({ lab: LAB.join('\r') });
    const synth = runCli('synth', [], dir);
    expect(synth.code).toBe(2);
    expect(synth.stderr).toContain(`environments/lab.yaml:1:10: error: this line ends with a carriage return alone`);
    expect(synth.stderr).not.toContain('empty');
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });
});

describe('a stage file with CRLF line endings', () => {
  it('reads as the same file with LF', () => {
    const read = (text: string) => readStage(text, 'environments/lab.yaml', []).data;
    expect(read(LAB.join('\r\n'))).toEqual(read(LAB.join('\n')));
    expect(problems(LAB.join('\r\n'), 'environments/lab.yaml')).toEqual([]);
  });
});
