import { isDeepStrictEqual } from 'node:util';
import { NEUTRAL_FIELDS, snapshotToUndo } from './config-snapshot.js';
import type { ConfigSnapshot, LedgerEntry } from './ledger.js';

/** Reads the live configuration, once, when judging an attempt that never said how it ended. */
export type LiveConfig = () => Promise<ConfigSnapshot | undefined>;

/**
 * What the ledger says a rollback can still undo: the releases in effect, oldest first (the last
 * one is what `previous` undoes next), and `head`, the newest attempt that changed what is live.
 */
export interface UndoStack {
  readonly releases: readonly LedgerEntry[];
  readonly head: LedgerEntry | undefined;
}

const SETTLED_LIVE = new Set(['released', 'rolled-back']);
const UNSETTLED = new Set(['running', 'abandoned']);

/**
 * Replays an agent's history (newest first, as `ledger.history` returns it) as an undo stack:
 * a release pushes, a rollback pops the releases it undid. A rollback is not itself a release to
 * go back to, so `previous` after `previous` walks one release further back instead of
 * ping-ponging between the last two versions. An attempt that never finished counts only when
 * the evidence says it went live ({@link wentLive}).
 */
export async function undoStack(history: readonly LedgerEntry[], liveConfig: LiveConfig): Promise<UndoStack> {
  const chronological = [...history].reverse();
  const releases: LedgerEntry[] = [];
  let head: LedgerEntry | undefined;
  for (const [i, entry] of chronological.entries()) {
    if (!(await counts(entry, chronological.slice(i + 1), liveConfig))) continue;
    head = entry;
    if (entry.kind === 'release') releases.push(entry);
    else releases.length = undoneDownTo(releases, entry);
  }
  return { releases, head };
}

async function counts(entry: LedgerEntry, later: readonly LedgerEntry[], liveConfig: LiveConfig) {
  // A release that left the same version live (`activate: false`) changed nothing to undo.
  if (SETTLED_LIVE.has(entry.outcome)) {
    return entry.versionAfter !== undefined && entry.versionAfter !== entry.versionBefore;
  }
  return UNSETTLED.has(entry.outcome) && wentLive(entry, later, liveConfig);
}

/**
 * Whether an attempt that never finished (crashed writer: `running`, or `abandoned` by the next
 * holder of the lease) took effect. The version the next holder found live says so where the
 * vendor names versions; otherwise the configuration seen after it — the next attempt's
 * `snapshotBefore` on the fields both name, else the live configuration — must equal what the
 * attempt meant to ship. Without evidence it did not: `previous` never trusts an unfinished entry.
 */
export async function wentLive(
  entry: LedgerEntry,
  later: readonly LedgerEntry[],
  liveConfig: LiveConfig,
): Promise<boolean> {
  if (entry.outcome === 'abandoned' && entry.versionAfter !== undefined) {
    return entry.versionAfter !== entry.versionBefore;
  }
  const meant = entry.snapshotAfter;
  if (!meant) return false;
  for (const next of later) {
    const verdict = agreesOnShared(meant, next.snapshotBefore ?? {});
    if (verdict !== undefined) return verdict;
  }
  const live = await liveConfig();
  return live !== undefined && agreesOnShared(meant, live) === true;
}

/** How many of `releases` (oldest first) are still in effect after `rollback`. */
function undoneDownTo(releases: readonly LedgerEntry[], rollback: LedgerEntry): number {
  const target = rollback.versionAfter;
  // Re-activation: the rollback made an existing version live again, so it names the level.
  for (let i = releases.length - 1; i >= 0 && target !== undefined; i--) {
    if (releases[i]?.versionAfter === target) return i + 1;
    if (releases[i]?.versionBefore === target) return i;
  }
  // Re-publish: the values it restored are the undo of exactly the releases it undid.
  for (let k = 1; k <= releases.length; k++) {
    if (isDeepStrictEqual(snapshotToUndo(releases.slice(-k).reverse()), rollback.snapshotAfter)) {
      return releases.length - k;
    }
  }
  // Restore as a new version (a new id, a full snapshot): a `previous`, one release undone.
  return Math.max(0, releases.length - 1);
}

/**
 * `true`/`false` when `seen` equals/differs from `meant` on the fields both name; `undefined`
 * when they name none in common (no evidence either way).
 */
function agreesOnShared(meant: ConfigSnapshot, seen: ConfigSnapshot): boolean | undefined {
  const pairs: Array<[unknown, unknown]> = [];
  for (const field of NEUTRAL_FIELDS) {
    if (meant[field] !== undefined && seen[field] !== undefined) pairs.push([meant[field], seen[field]]);
  }
  for (const [provider, fields] of Object.entries(meant.providerOptions ?? {})) {
    const other = seen.providerOptions?.[provider];
    for (const [key, value] of Object.entries(fields ?? {})) {
      if (other && Object.hasOwn(other, key)) pairs.push([value, other[key]]);
    }
  }
  if (pairs.length === 0) return undefined;
  return pairs.every(([a, b]) => isDeepStrictEqual(a, b));
}
