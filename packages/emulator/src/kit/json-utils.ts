/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON values; `undefined` properties count as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (!deepEqual(a[key], b[key])) return false;
    }
    return true;
  }
  return false;
}

/** One changed leaf between two JSON values. */
export interface LeafChange {
  path: string;
  oldValue: unknown;
  newValue: unknown;
}

/**
 * Leaf-level changes from `before` to `after`. Objects are walked key by key; arrays and scalars
 * are compared whole, because an array edit replaces the list anyway.
 */
export function leafChanges(before: unknown, after: unknown, prefix = ''): LeafChange[] {
  if (deepEqual(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => leafChanges(before[key], after[key], prefix ? `${prefix}.${key}` : key));
  }
  return [{ path: prefix, oldValue: before ?? null, newValue: after ?? null }];
}

/** Deep copy through JSON semantics (drops `undefined`), so stored state never aliases input. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
