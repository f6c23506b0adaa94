/**
 * What in a YAML file's text is refused before it is parsed (lib/model/read-yaml.ts), since the parser would read it
 * otherwise than kubectl or report it as errors that do not say what happened: a NUL byte, a carriage return alone, a
 * git merge conflict, a byte-order mark at the start of a line inside the file. Pure.
 */
import { STDIN_FILE, shellWord, type Problem, type SourceLocation } from '../errors.js';
import { hasConflictMarkers } from './conflict-markers.js';

/** The problems of `text` that stop it being parsed, each placed by `at`: the first kind found, in the order below. */
export function unreadableText(text: string, at: (offset: number) => SourceLocation): Problem[] {
  for (const problems of [nulProblem, crProblem, conflictProblems, bomProblems]) {
    const found = problems(text, at);
    if (found.length) return found;
  }
  return [];
}

/** The first place in `text` of a NUL byte, which no YAML reader accepts (kubectl stops there). */
function nulProblem(text: string, at: (offset: number) => SourceLocation): Problem[] {
  const i = text.indexOf('\0');
  return i < 0
    ? []
    : [
        {
          code: 'input/nul',
          location: at(i),
          message: 'the file contains a NUL byte (U+0000); YAML text may not',
          hint: 'remove it; the file is probably binary or was saved in UTF-16, save it as UTF-8 text',
        },
      ];
}

/**
 * The first carriage return in `text` that no line feed follows (a line ending of classic Mac OS),
 * as a problem; none when there is none (a CRLF file is read as it is). YAML 1.2 and kubectl take
 * it for a line break; the yaml library does not, and reads the lines around it as one: a file of
 * such lines starting with a comment read as empty (a manifest's objects lost, a stage file
 * "empty"), and a comment line before a setting hid it. The block reader (lib/model/block-yaml.ts)
 * reads no such text, so every file with one comes here.
 */
function crProblem(text: string, at: (offset: number) => SourceLocation): Problem[] {
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) === 0x0a) continue;
    const location = at(i);
    return [
      {
        code: 'input/cr-line-endings',
        location,
        message:
          "this line ends with a carriage return alone (CR, the line ending of classic Mac OS), which stagecraft's YAML reader does not take for a line break: it would read this line and the next as one",
        hint: `save the file with LF line endings (your editor's line-ending setting, or: perl -pi -e 's/\\r\\n?/\\n/g' ${location.file}); to keep a carriage return in a value, write it as \\r inside double quotes`,
      },
    ];
  }
  return [];
}

/**
 * A byte-order mark (U+FEFF) at the start of a line inside the file, as joining files saved with one leaves it
 * (`cat a.yaml b.yaml`, a document of b after a `---` line): kubectl's YAML reader (go-yaml, as libyaml) skips one
 * at the start of a line, and the yaml library reads it as the first character of the key there (`apiVersion`
 * becomes another key, and the document no object): a problem at each, rather than either reading. One at the
 * start of the file is reading's (lib/cli/read-file.ts drops it). The block reader reads no such text.
 */
function bomProblems(text: string, at: (offset: number) => SourceLocation): Problem[] {
  const problems: Problem[] = [];
  for (let i = text.indexOf('\ufeff', 1); i >= 0; i = text.indexOf('\ufeff', i + 1)) {
    if (text.charCodeAt(i - 1) !== 0x0a) continue;
    const location = at(i);
    // kubectl's reader (apimachinery's YAMLReader) splits a file at the lines that start with `---` before go-yaml skips
    // the mark: not at this one, whose document it does not read as one of its own
    const separator = /^---(?:[ \t\r\n#]|$)/.test(text.slice(i + 1, i + 5));
    problems.push({
      code: 'input/byte-order-mark',
      location,
      message: separator
        ? 'a byte-order mark (U+FEFF, invisible in most editors) starts this --- line, inside the file, as joining files saved with one leaves it: kubectl splits a file only at lines that start with ---, so it does not read the document after this one as its own, and stagecraft would read the line as part of a key'
        : 'a byte-order mark (U+FEFF, invisible in most editors) starts this line, inside the file, as joining files saved with one leaves it: kubectl skips it, and stagecraft would read it as part of the key here',
      // piped in (`<stdin>`, no file to edit in place): the same sed in the pipe
      hint:
        location.file === STDIN_FILE
          ? "remove it; a byte-order mark belongs only at the very start of a file (GNU sed: put sed 's/^\\xEF\\xBB\\xBF//' in the pipe before npm run check -- -, or remove it from the files joined)"
          : `remove it; a byte-order mark belongs only at the very start of a file (GNU sed: sed -i 's/^\\xEF\\xBB\\xBF//' ${shellWord(location.file) ?? '<file>'} removes each one at the start of a line)`,
    });
  }
  return problems;
}

/**
 * The git merge conflicts in `text`, one problem at each `<<<<<<<` line, when the text holds both
 * the opening and the closing markers: the YAML parser would report each side's lines as errors of
 * their own, none of which says what happened.
 */
function conflictProblems(text: string, at: (offset: number) => SourceLocation): Problem[] {
  if (!hasConflictMarkers(text) || !/^>{7}(?: |$)/m.test(text)) return [];
  const problems: Problem[] = [];
  for (const open of text.matchAll(/^<{7}(?: .*)?$/gm)) {
    const close = /^>{7}(?: .*)?$/m.exec(text.slice(open.index));
    const end = close ? at(open.index + close.index).line : undefined;
    problems.push({
      code: 'input/merge-conflict',
      location: at(open.index),
      message: `a git merge conflict${end ? ` (to line ${end})` : ''}: the file holds both sides of a change between conflict markers, so it is not what either side meant`,
      hint: 'resolve the conflict: keep the lines you mean, delete the <<<<<<<, ======= and >>>>>>> lines (or git checkout --ours/--theirs the file), then run the command again',
    });
  }
  return problems;
}
