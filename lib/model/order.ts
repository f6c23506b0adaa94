/**
 * Ordering strings where output order matters: by Unicode code point, the same on every machine.
 * Never `localeCompare` or `Intl.Collator` without a fixed locale: they follow `LANG`/`LC_ALL`
 * (in Turkish `I` and `i` are different letters; in Swedish `w` sorts with `v`), so the same
 * input would give different bytes on different machines.
 */

/** Orders two strings by code point (not by UTF-16 unit: a character above U+FFFF sorts after U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    // surrogates (U+D800..U+DFFF) encode code points above U+FFFF: move them above U+E000..U+FFFF
    if (x !== y) return unitRank(x) - unitRank(y);
  }
  return a.length - b.length;
}

function unitRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

/** A UTF-16 unit from U+D800 up: strings without one are in code-point order when in UTF-16 order. */
const FROM_SURROGATES = /[\ud800-\uffff]/;

/**
 * `items` sorted in place by the code points of their keys (each key made once): by the engine's
 * own string order when every key is below U+D800, where it is the code-point order, and by
 * `compareCodePoints` otherwise.
 */
export function sortByCodePoints<T>(items: T[], key: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  const native = !keyed.some((k) => FROM_SURROGATES.test(k.key));
  keyed.sort(native ? (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : (a, b) => compareCodePoints(a.key, b.key));
  keyed.forEach((k, i) => {
    items[i] = k.item;
  });
  return items;
}
