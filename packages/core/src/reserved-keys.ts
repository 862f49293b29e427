/**
 * Keys that JavaScript gives a meaning of its own. `JSON.parse` keeps `"__proto__"` as a plain key,
 * but schema parsers and object spreads drop it or turn it into a prototype, and `constructor` /
 * `prototype` reach the same machinery: a change under such a key would vanish silently.
 */
export const RESERVED_KEYS: readonly string[] = Object.freeze(['__proto__', 'constructor', 'prototype']);

/** Where a reserved key (or an object whose prototype was set by one) sits in a value. */
export interface ReservedKeyHit {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

const MAX_DEPTH = 64;

/**
 * Finds the first own key named in {@link RESERVED_KEYS}, or object whose prototype is another
 * plain object (what an object literal's `__proto__:` produces), anywhere in `value`.
 */
export function findReservedKey(value: unknown): ReservedKeyHit | undefined {
  return visit(value, [], new Set());
}

function visit(value: unknown, path: Array<string | number>, seen: Set<object>): ReservedKeyHit | undefined {
  if (typeof value !== 'object' || value === null || seen.has(value) || path.length > MAX_DEPTH)
    return undefined;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = visit(value[i], [...path, i], seen);
      if (hit) return hit;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== null && proto !== Object.prototype && Object.getPrototypeOf(proto) === Object.prototype) {
    return {
      path,
      message:
        'must be a plain object: its prototype was set (an object literal with a "__proto__" key does that), so its fields would be dropped; use JSON or ordinary keys',
    };
  }
  for (const key of Object.keys(value)) {
    if (RESERVED_KEYS.includes(key)) {
      return {
        path: [...path, key],
        message: `is a reserved key name ("${key}") and is refused: it would be dropped or change the object's prototype`,
      };
    }
    const hit = visit((value as Record<string, unknown>)[key], [...path, key], seen);
    if (hit) return hit;
  }
  return undefined;
}
