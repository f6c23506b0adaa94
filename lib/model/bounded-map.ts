/**
 * A Map that empties itself before it would hold more than `limit` entries: for the caches kept
 * for a whole process (strings as YAML writes them, secret verdicts), which gain from the values
 * that repeat in every object (labels, names, images) and must not grow with those that do not.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  /** `set`, first emptying the map when it is full and `key` is not in it. */
  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.clear();
    return super.set(key, value);
  }

  /** Sets `key` to `value` and returns `value`. */
  remember(key: K, value: V): V {
    this.set(key, value);
    return value;
  }
}
