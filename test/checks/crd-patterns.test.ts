import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crdRegistry } from '../../lib/checks/crds.js';
import { checkObjects } from '../../lib/checks/index.js';
import { checkCustomResource } from '../../lib/checks/custom-resources.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { widgetCrd } from '../helpers/widget-crd.js';
import { MANIFESTS, codedFindingsIn, objectsIn } from './helpers.js';

describe("a CRD's patterns, Go (RE2) expressions, read as the API server reads them", () => {
  it("reads a CRD's Go (RE2) patterns with their leading flags, rather than leaving the whole kind unchecked (the Prometheus Operator's ^(?i)...)", () => {
    const crds = objectsIn(join(MANIFESTS, 'crds/prometheus-operator'));
    expect(codedFindingsIn(['crds/prometheus-rule.yaml'], { crds })).toEqual([
      'schema/pattern crds/prometheus-rule.yaml:16:16: PrometheusRule default/web: spec.groups[0].rules[0].for: "5 minutes" does not match the pattern ^(0|(([0-9]+)y)?(([0-9]+)w)?(…)?(([0-9]+)s)?(([0-9]+)ms)?)$ (91 characters), which its CRD gives the field: the API server refuses it',
      "schema/unknown-field crds/prometheus-rule.yaml:18:11: PrometheusRule default/web: spec.groups[0].rules[0].anotations: unknown field 'anotations'; did you mean 'annotations'?",
    ]);
  });

  it('says a long pattern and value shortened, with where the CRD holds the whole pattern; a short one whole', () => {
    const crds = objectsIn(join(MANIFESTS, 'crds/prometheus-operator'));
    const text = readFileSync(join(MANIFESTS, 'crds/prometheus-rule.yaml'), 'utf8');
    const long = `${'5 minutes '.repeat(20)}`;
    const [found] = checkObjects(parseManifests([{ file: 'rule.yaml', text: text.replace('5 minutes', long) }]).objects, {
      crds,
    }).findings.filter((f) => f.code === 'schema/pattern');
    expect(found.message).toBe(
      '"5 minutes 5 minutes 5 minute… minutes 5 minutes 5 minutes" (201 characters) does not match the pattern ^(0|(([0-9]+)y)?(([0-9]+)w)?(…)?(([0-9]+)s)?(([0-9]+)ms)?)$ (91 characters), which its CRD gives the field: the API server refuses it',
    );
    expect(found.hint).toBe(
      'write a value the pattern matches (the whole of it: openAPIV3Schema.properties.spec.properties.groups.items.properties.rules.items.properties.for.pattern of version v1 of CustomResourceDefinition prometheusrules.monitoring.coreos.com)',
    );
    const widget = parseManifests([{ file: 'crd.yaml', text: widgetCrd('Namespaced', { size: "{ type: string, pattern: '^[0-9]+$' }" }) }]);
    const [short] = checkCustomResource(
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 'big' } },
      crdRegistry(widget.objects),
    );
    expect([short.message, short.hint]).toEqual([
      '"big" does not match the pattern ^[0-9]+$, which its CRD gives the field: the API server refuses it',
      'write a value the pattern matches',
    ]);
  });

  it("says a value that does not match as diff and promote show one: ESC as \\x1b, not JSON's \\u001b, and U+202E as its escape", () => {
    const widget = parseManifests([{ file: 'crd.yaml', text: widgetCrd('Namespaced', { size: "{ type: string, pattern: '^[0-9]+$' }" }) }]);
    const [found] = checkCustomResource(
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: '1\x1b[2J\u202e2' } },
      crdRegistry(widget.objects),
    );
    // was "1\u001b[2J<U+202E>2": two escapes of ESC between commands, and the override turned the rest of the line around
    expect(found.message).toBe(
      '"1\\x1b[2J\\u202e2" does not match the pattern ^[0-9]+$, which its CRD gives the field: the API server refuses it',
    );
  });

  it('leaves out a pattern JavaScript cannot read, with a warning on the CRD, and checks the rest of the kind', () => {
    const crd = (pattern: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { name: { type: 'string', pattern }, size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    });
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { name: 'aaa', size: 'big' } };
    const registry = crdRegistry([crd('(?U)a+')]);
    expect(registry.crdFindings.map((f) => [f.code, f.severity, f.path.join('.')])).toEqual([
      ['crd/pattern-not-checked', 'warning', 'spec.versions.0.schema.openAPIV3Schema.properties.spec.properties.name.pattern'],
    ]);
    expect(checkCustomResource(widget, registry).map((f) => `${f.code} ${f.path.join('.')}`)).toEqual(['schema/type spec.size']);
    // what JavaScript has no expression for is left out too: a negated set of several in a class, a mid-pattern flag
    for (const pattern of ['^[\\P{Any}a]$', '^a(?i)\\pL$'])
      expect(crdRegistry([crd(pattern)]).crdFindings.map((f) => f.code)).toEqual(['crd/pattern-not-checked']);
    // what Go 1.19 refuses (the 1.25 API server's) is an error at the pattern: the API server refuses the CRD
    for (const pattern of ['^(?<x>a)$', '^a{1001}$', '^a\\C$'])
      expect(crdRegistry([crd(pattern)]).crdFindings.map((f) => [f.code, f.severity, f.path.at(-1)])).toEqual([
        ['crd/definition', 'error', 'pattern'],
      ]);
    expect(crdRegistry([crd('^(?<x>a)$')]).crdFindings[0].message).toBe(
      'the pattern "^(?<x>a)$" is no Go 1.19 regular expression: (?< is no group Go 1.19 knows (a named group is (?P<name>...); ' +
        '(?<name> came in Go 1.22, lookarounds never); the 1.25 API server refuses the CRD',
    );
    // an escaped backslash before them is a backslash to both: the pattern is read
    for (const pattern of ['^\\\\pL+$', '^a\\\\z$']) expect(crdRegistry([crd(pattern)]).crdFindings).toEqual([]);
    // (?P<name>...) is a named group, and (?is) two flags
    const named = crdRegistry([crd('^(?is)(?P<x>A)+$')]);
    expect(named.crdFindings).toEqual([]);
    expect(checkCustomResource({ ...widget, spec: { name: 'aA' } }, named)).toEqual([]);
    expect(checkCustomResource({ ...widget, spec: { name: 'ab' } }, named).map((f) => f.code)).toEqual(['schema/pattern']);
  });

  /** The codes found of a Widget whose spec.name is `name`, by a CRD whose spec.name has `pattern`. */
  const checked = (pattern: string, name: string) => {
    const crd = widgetCrd('Namespaced', { name: '{ type: string, pattern: PATTERN }' });
    const [definition] = parseManifests([{ file: 'crd.yaml', text: crd.replace('PATTERN', JSON.stringify(pattern)) }]).objects;
    const registry = crdRegistry([definition]);
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { name } };
    return [...registry.crdFindings, ...checkCustomResource(widget, registry)].map((f) => f.code);
  };

  it("reads RE2's POSIX classes, Unicode classes, \\A, \\z, \\Q...\\E, hex code points in braces and flags within the pattern as RE2 does, where JavaScript would read them otherwise or not at all", () => {
    const cases: [string, string, string[]][] = [
      // a POSIX class anywhere in brackets: to JavaScript as it is, the set of the characters _[:alnu and a ']' after it
      ['^[_[:alnum:]]+$', 'web_1', []],
      ['^[_[:alnum:]]+$', 'web-1', ['schema/pattern']],
      ['^[^[:space:]]+$', 'web', []],
      ['^[^[:space:]]+$', 'w b', ['schema/pattern']],
      ['^[[:^digit:]-]+$', 'a-b', []],
      ['^[[:^digit:]-]+$', 'a1', ['schema/pattern']],
      ['^[[:^word:]]+$', '`é', []],
      ['^[[:^word:]]+$', '_', ['schema/pattern']],
      // a Unicode class: a category, a script, negated (Go's C leaves out the unassigned code points, re2js's takes
      // them in: a value holding one fails \PC here, which the API server passes - the one reading known to differ)
      ['^\\pL[\\p{L}\\d_-]*$', 'ünïcode_1', []],
      ['^\\pL[\\p{L}\\d_-]*$', '1st', ['schema/pattern']],
      ['^\\p{Greek}+$', 'αβγ', []],
      ['^\\p{Greek}+$', 'abc', ['schema/pattern']],
      ['^\\p{^L}+$', '123', []],
      ['^\\PC$', '\u0378', ['schema/pattern']],
      // the end of the text, never before a final newline; its start
      ['^[a-z]+\\z', 'abc', []],
      ['^[a-z]+\\z', 'abc\n', ['schema/pattern']],
      ['\\Aabc', 'xabc', ['schema/pattern']],
      // literal text, and, to JavaScript as it is, 41 x's; to Go, the letter A
      ['^\\Qa.b*\\E$', 'a.b*', []],
      ['^\\Qa.b*\\E$', 'axbb', ['schema/pattern']],
      ['^\\Qab\\E{2}$', 'abb', []],
      ['^\\Qab\\E{2}$', 'abab', ['schema/pattern']],
      ['^\\x{41}+$', 'AA', []],
      ['^\\x{41}+$', 'xx', ['schema/pattern']],
      // flags within the pattern, to the end of their group; a part whose case is ignored folds as RE2 folds (the Kelvin sign is a k, ı no i)
      ['^a(?i)b|c$', 'C', []],
      ['^a(?i)b|c$', 'AB', ['schema/pattern']],
      ['^(?i:ab)c$', 'aBc', []],
      ['^(?i:ab)c$', 'aBC', ['schema/pattern']],
      ['^(?i)a(?-i)b$', 'Ab', []],
      ['^(?i)a(?-i)b$', 'AB', ['schema/pattern']],
      ['^x(?i:k[a-c]\\w)$', 'x\u212aB\u017f', []],
      ['^x(?i:[^a-c])$', 'xB', ['schema/pattern']],
      ['^x(?i:i)$', 'x\u0131', ['schema/pattern']],
      ['^(?P<kind>a(?s:.))(?i:b)$', 'a\nB', []],
      ['^(?P<kind>a(?s:.)).$', 'a\n\n', ['schema/pattern']],
    ];
    expect(cases.map(([pattern, name]) => [pattern, name, checked(pattern, name)])).toEqual(cases);
    // read alike: a two-digit hex escape, a colon in a set
    expect(checked('^\\x41+$', 'AA')).toEqual([]);
    expect(checked('^\\x41+$', 'B')).toEqual(['schema/pattern']);
    expect(checked('^[a-z:]+:$', 'web:')).toEqual([]);
  });

  it("reads \\s, \\S, '.', (?m), a '-' after a class escape and a pattern's code points as RE2 does, where JavaScript reads them otherwise (External Secrets' refreshPolicy cron pattern)", () => {
    const passes = (pattern: string, name: string) => {
      const codes = checked(pattern, name);
      expect(codes.filter((c) => c !== 'schema/pattern')).toEqual([]);
      return codes.length === 0;
    };
    // [pattern, value, what the 1.25 API server (Go's regexp) answers]
    const cases: [string, string, boolean][] = [
      // RE2's \s is ASCII: no vertical tab, no-break or line separator (JavaScript's \s takes them)
      ['^\\s+$', '\u00a0', false],
      ['^\\s$', '\v', false],
      ['^[\\s,]+$', '\u2028', false],
      ['^\\S+$', 'a\u00a0b', true],
      ['^[^\\s]+$', '\u00a0', true],
      // RE2's '.' is any code point but a newline: \r and U+2028 too, and an emoji is one
      ['^.+$', 'a\rb', true],
      ['^.+$', 'a\u2028b', true],
      ['^.+$', 'a\nb', false],
      ['^(?s).+$', 'a\nb', true],
      ['^.{1,3}$', '\u{1F600}\u{1F600}', true],
      ['^[^/]{2}$', '\u{1F600}', false],
      // with (?m), ^ and $ are at a newline only, not at \r
      ['(?m)^a$', 'a\rb', false],
      ['(?m)^a$', 'x\na\nb', true],
      // (?i) folds as Unicode does: the Kelvin sign is a k
      ['(?i)^k$', '\u212a', true],
      // punctuation escaped, a ']' first in a class, a brace that is no repetition: characters to RE2
      ['^\\_[a-z]+\\:$', '_ab:', true],
      ['^[]a]+$', ']a', true],
      ['^a{,3}$', 'a{,3}', true],
      ['^a{2,}$', 'a', false],
      // a '-' right after a class escape is a '-' to RE2, no range: an email pattern of published CRDs
      ['^[\\w-.]+@([\\w-]+\\.)+[\\w-]{2,4}$', 'a.b-c@x.com', true],
      ['^[\\w-.]+@([\\w-]+\\.)+[\\w-]{2,4}$', 'not an email', false],
      ['^[\\d-\\s]+$', '1 -2', true],
      ['^[\\s-a]+$', 'b', false],
      ['^[\\W-z]+$', '-z!', true],
      // External Secrets' refreshPolicy schedule (external-secrets.io_externalsecrets.yaml); a no-break space is no \s to RE2
      ['^(@(annually|yearly|monthly|weekly|daily|midnight|hourly)|@every [^\\s]+.*|[^\\s]+( [^\\s]+){4})$', '0 * * * *', true],
      ['^(@(annually|yearly|monthly|weekly|daily|midnight|hourly)|@every [^\\s]+.*|[^\\s]+( [^\\s]+){4})$', '0 * * * *\u00a0x', true],
    ];
    expect(cases.map(([pattern, name]) => [pattern, name, passes(pattern, name)])).toEqual(cases);
  });

  it('matches a pattern in time linear in the value, as the API server does: a CRD cannot hang the check with one a backtracking RegExp takes minutes on', () => {
    // each took JavaScript's RegExp more than a minute on 35 characters (the CLI's check never ended)
    const value = `${'a'.repeat(62)}!`;
    for (const pattern of ['^(a+)+$', '^(a|aa)*$', '^(?:a*)*$', '^a*a*a*a*a*a*$', '^(\\w+\\s?)*$']) {
      expect(checked(pattern, value), pattern).toEqual(['schema/pattern']);
      expect(checked(pattern, 'a'.repeat(62)), pattern).toEqual([]);
    }
  });
});
