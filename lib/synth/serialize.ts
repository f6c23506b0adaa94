/**
 * Objects to YAML text, deterministically: same objects, same bytes, on any machine.
 */
import { Document, visit } from 'yaml';
import type { KubeObject } from '../model/object.js';
import { emitBlockYaml, escapeForEveryReader, mustQuote } from './yaml-emitter.js';

/** Keys that lead every mapping, in this order (as kubectl and cdk8s print them); the rest are sorted. */
const LEADING_KEYS = ['apiVersion', 'kind', 'metadata'];

/** The order of keys in every mapping written: LEADING_KEYS first, then the others in UTF-16 order. */
export function compareKeys(a: string, b: string): number {
  const ia = LEADING_KEYS.indexOf(a);
  const ib = LEADING_KEYS.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? LEADING_KEYS.length : ia) - (ib < 0 ? LEADING_KEYS.length : ib);
  // UTF-16 order, not lib/model/order.ts's code points: the same for every key below U+D800, and
  // this runs for every key of every object (never locale order, which would follow LANG)
  return a < b ? -1 : a > b ? 1 : 0;
}

const OPTIONS = {
  // kubectl reads YAML 1.1, where an unquoted yes/no/on/off/y/n is a boolean: written as 1.1,
  // such strings are quoted, so a ConfigMap value 'on' stays the string 'on'
  version: '1.1',
  sortMapEntries: (a: { key: unknown }, b: { key: unknown }) => compareKeys(String(a.key), String(b.key)),
  // never fold long strings (commands, JSON in ConfigMaps) and never turn shared objects into anchors
  lineWidth: 0,
  aliasDuplicateObjects: false,
} as const;

/** One YAML document. */
export function toYaml(value: unknown): string {
  // the fast path writes the same bytes for the plain data objects are made of; the library the rest
  return emitBlockYaml(value, compareKeys) ?? libraryYaml(value);
}

/** One YAML document as the `yaml` library writes it: what the fast path must equal (and is tested against). */
export function libraryYaml(value: unknown): string {
  const doc = new Document(value, OPTIONS);
  let forced = false;
  // strings some reader of YAML would read as another type, or change: double-quoted (keys too)
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && mustQuote(node.value)) {
        node.type = 'QUOTE_DOUBLE';
        forced = true;
      }
    },
  });
  const text = doc.toString(OPTIONS);
  return forced ? escapeForEveryReader(text) : text;
}

/** A multi-document YAML stream, optionally after a comment header. */
export function toYamlStream(objects: readonly KubeObject[], header?: string): string {
  return yamlStream(objects.map(toYaml), header);
}

/** Documents already serialized with `toYaml`, as one stream, optionally after a comment header. */
export function yamlStream(documents: readonly string[], header?: string): string {
  return withHeader(documents.join('---\n'), header);
}

/** `header` as the comment lines a file starts with (`# ` before each line); empty without one. */
export function commentHeader(header?: string): string {
  return header ? header.replace(/^/gm, '# ') + '\n' : '';
}

/** A stream of documents (`yamlStream` without a header) after a comment header. */
export function withHeader(stream: string, header?: string): string {
  return commentHeader(header) + stream;
}
