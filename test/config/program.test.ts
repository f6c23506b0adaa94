/** lib/config/program.ts: the arguments a program would misread, said by the flag's name alone, never a value. */
import { describe, expect, it } from 'vitest';
import { argumentProblems } from '../../lib/config/program.js';

/** What `argumentProblems` says of a container `command`, each as `item: message`. */
const said = (command: readonly string[]) =>
  argumentProblems(command, undefined, { command: ['command'] }).map((p) => `${p.path.join('.')}: ${p.message}\n  hint: ${p.hint}`);

describe('the arguments a program would misread', () => {
  it.each([
    ['node', '--max-old-space-size=4096 --expose-gc'],
    ['java', '-XX:MaxRAMPercentage=75.0 -XX:+UseG1GC'],
    ['server', '--port=8080 -v'],
    ['server', '--verbose=true --debug'],
    ['java', '-Dworkers=4 -Dqueue=jobs'],
    ['server', '--bind=0.0.0.0 --port=80'],
    ['server', '--addr=127.0.0.1:8080 -v'],
    ['server', '--listen=:8080 --verbose'],
    ['server', '--min-version=1.2.3 --strict'],
    // whitespace before it (a template's " {{flags}}"): the same two flags
    ['node', ' --max-old-space-size=4096 --expose-gc'],
  ])('warns of a flag with a number, an address or a boolean, then another flag, in one item: %s %j', (program, item) => {
    const problems = said([program, item, 'app.js']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^command\.1: is a flag with its value and another flag in one item \('[^']+' first, 2 words\)/);
    expect(problems[0]).toContain('give each flag its own item');
    // the values are never said
    expect(problems[0]).not.toMatch(/4096|75\.0|8080|true|workers=4|queue|jobs|0\.0|127|1\.2/);
  });

  it('warns of a flag and its value with whitespace before them, which no flag parser reads as a flag, said by the name alone', () => {
    expect(said(['server', ' --port 8080'])).toEqual([
      "command.1: is a flag and what follows it in one item ('--port' first, 2 words): the program gets them as one argument with a space in it, not as 2 arguments, so its flag parser reads no flag it knows (or a value that starts with a space)\n" +
        '  hint: give each word its own item, [--port, "<the value>"], or join a flag and its value with =, "--port=<the value>", where the program takes that form',
    ]);
    for (const [item, shown] of [
      [' --greeting=hello world', '--greeting'],
      // a value glued on, taken without the whitespace (getopt's), is none with it: the program gets a word that is no flag
      [' -pSecret more', '-p...'],
    ]) {
      expect(said(['server', item])).toEqual([
        `command.1: is the flag '${shown}' and its value with whitespace around it: the program gets the whitespace in its argument, with no shell to trim it, so its flag parser reads no flag it knows, or a value with the whitespace in it\n` +
          '  hint: write it without the whitespace',
      ]);
    }
    expect(said(['server', '--separator=, ', '--greeting=hello world', '-pSecret more'])).toEqual([]);
  });

  it.each([
    ['runner', '--cmd=ls -la'],
    ['runner', '--exec=grep --color x'],
    ['server', '--greeting=hello world'],
    ['java', '-Dmsg=a b'],
    ['server', '--separator=1, 2'],
  ])('takes a flag whose value is a word, then more, which may be a value with spaces: %s %j', (program, item) => {
    expect(said([program, item])).toEqual([]);
  });

  it("judges a value of a number's shape that is none, '=1' then 200 letters, in one reading (the first pattern took exponential time: 28 letters, 5 s)", () => {
    expect(said(['server', `--a=1${'a'.repeat(200)}! --b`])).toEqual([]);
    expect(said(['server', `--a=1${'a1'.repeat(200)}s --b`])).toHaveLength(1);
  });

  it("takes a one-letter flag with a value glued on that starts with a capital or a digit, a space in it, for a program the rules do not know (getopt reads the rest as the flag's value)", () => {
    expect(said(['myclient', '-pSecret more', '-u', 'admin'])).toEqual([]);
    expect(said(['myclient', '-p4ss word'])).toEqual([]);
  });

  it("warns of a one-dash flag and its value in one item (Go's -port 8080), said by its dash and first letter, which may be a value's start", () => {
    for (const item of ['-port 8080', '-psecret more']) {
      const problems = said(['server', item]);
      expect(problems).toEqual([
        "command.1: is a flag and what follows it in one item ('-p...' first, 2 words): the program gets them as one argument with a space in it, not as 2 arguments, so its flag parser reads no flag it knows (or a value that starts with a space)\n" +
          '  hint: give each word its own item, [<the flag>, "<the value>"], or join a flag and its value with =, "<the flag>=<the value>", where the program takes that form; or, where -p takes its value glued on (getopt\'s -p<value>) and the space belongs in it, leave it as it is',
      ]);
      expect(problems.join('\n')).not.toMatch(/port|secret|more|8080/);
    }
  });

  it('says a one-dash flag of several letters by its dash and first letter in every warning, a padded one too', () => {
    expect(said(['server', ' -psecret'])[0]).toContain("is the flag '-p...' with whitespace around it");
    expect(said(['server', ' -psecret']).join('\n')).not.toContain('secret');
    expect(said(['java', '-Xmx512m -Xms256m'])[0]).toContain("('-X...' first, 2 words)");
    expect(said(['server', '-v 2'])[0]).toContain("('-v' first, 2 words)");
    expect(said(['server', '--port 8080'])[0]).toContain("('--port' first, 2 words)");
  });
});
