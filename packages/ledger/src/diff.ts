import type { ConfigSnapshot, LedgerEntry } from '@agent-release/core';

/** One field that differs between two snapshots. */
export interface SnapshotChange {
  /** Dotted path: `instructions`, `model`, `providerOptions.atoms.voiceId`. */
  path: string;
  /** The value in the first snapshot; `undefined` when the field was absent there. */
  before: unknown;
  /** The value in the second snapshot; `undefined` when the field is absent there. */
  after: unknown;
}

/**
 * Field-level differences between two configuration snapshots, sorted by path. Nested objects
 * (`providerOptions`) are compared field by field; arrays and other values as a whole. Pure: no
 * store is read.
 */
export function diffSnapshots(
  a: ConfigSnapshot | undefined | null,
  b: ConfigSnapshot | undefined | null,
): SnapshotChange[] {
  const changes: SnapshotChange[] = [];
  walk(a ?? {}, b ?? {}, '', changes);
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/**
 * What changed in the configuration from entry `a` to entry `b`: the diff of the snapshots they
 * left (`snapshotAfter`), so "what did release b change compared with release a" reads in order.
 * Pass `{ side: 'before' }` to compare what each found live instead.
 */
export function diffEntries(
  a: Pick<LedgerEntry, 'snapshotBefore' | 'snapshotAfter'>,
  b: Pick<LedgerEntry, 'snapshotBefore' | 'snapshotAfter'>,
  options: { side?: 'before' | 'after' } = {},
): SnapshotChange[] {
  return options.side === 'before'
    ? diffSnapshots(a.snapshotBefore, b.snapshotBefore)
    : diffSnapshots(a.snapshotAfter, b.snapshotAfter);
}

function walk(a: unknown, b: unknown, prefix: string, out: SnapshotChange[]): void {
  // An object on one side and nothing on the other is compared field by field against `{}`, so
  // a newly set vendor option shows as its own path rather than one opaque object.
  const left = isPlainObject(a) ? a : a === undefined && isPlainObject(b) ? {} : null;
  const right = isPlainObject(b) ? b : b === undefined && isPlainObject(a) ? {} : null;
  if (left && right) {
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    for (const key of keys) {
      walk(left[key], right[key], prefix === '' ? key : `${prefix}.${key}`, out);
    }
    return;
  }
  if (!deepEqual(a, b)) out.push({ path: prefix === '' ? '(root)' : prefix, before: a, after: b });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => deepEqual(a[key], b[key]));
  }
  return false;
}
