/**
 * A `Map` with a size cap that forgets the least recently used entry first. Adapters keep
 * small per-agent facts (an API generation an agent answered with, the revision it last made
 * live) for the lifetime of a releaser, which in a multi-tenant service may see an unbounded
 * number of agents; the cap keeps that memory bounded, and forgetting only costs a re-detection.
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #max: number;

  /** @param max the most entries kept (at least 1). */
  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('BoundedMap: max must be an integer >= 1');
    this.#max = max;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value, marking the entry as recently used. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    // Re-insert so iteration order is least recently used first.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    return this;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }
}
