import { isDeepStrictEqual } from 'node:util';
import type { AgentChanges } from './changes.js';
import type { ConfigSnapshot, LedgerEntry } from './ledger.js';
import { redactKnownSecrets } from './redact.js';

/** The provider-neutral fields a snapshot can name. */
export const NEUTRAL_FIELDS = ['instructions', 'firstMessage', 'model'] as const;

/**
 * The part of `config` that `changes` touches: the neutral fields it names and, per provider, the
 * `providerOptions` keys it names. Redacted, so a snapshot never carries a secret into a ledger.
 */
export function touchedSnapshot(config: ConfigSnapshot, changes: AgentChanges): ConfigSnapshot {
  const out: ConfigSnapshot = {};
  for (const field of NEUTRAL_FIELDS) {
    if (changes[field] !== undefined && config[field] !== undefined) out[field] = config[field];
  }
  const options: Record<string, Record<string, unknown>> = {};
  for (const [provider, touched] of Object.entries(changes.providerOptions ?? {})) {
    const current = config.providerOptions?.[provider];
    if (!touched || !current) continue;
    const picked: Record<string, unknown> = {};
    for (const key of Object.keys(touched)) {
      if (Object.hasOwn(current, key)) picked[key] = current[key];
    }
    if (Object.keys(picked).length > 0) options[provider] = picked;
  }
  if (Object.keys(options).length > 0) out.providerOptions = options;
  return sanitize(out);
}

/** The snapshot a change means to leave live: its own values, redacted. */
export function snapshotOfChanges(changes: AgentChanges): ConfigSnapshot {
  const out: ConfigSnapshot = {};
  for (const field of NEUTRAL_FIELDS) if (changes[field] !== undefined) out[field] = changes[field];
  const options = Object.entries(changes.providerOptions ?? {}).filter(([, v]) => v !== undefined);
  if (options.length > 0)
    out.providerOptions = Object.fromEntries(options) as ConfigSnapshot['providerOptions'];
  return sanitize(out);
}

/**
 * Whether `live` already holds every field of `changes` that `provider` reads: the neutral fields
 * and its own `providerOptions` (other vendors' are ignored, as its adapter ignores them).
 * Compared as JSON, so key order and prototypes do not count.
 */
export function changesHold(live: ConfigSnapshot, changes: AgentChanges, provider: string): boolean {
  const neutral = NEUTRAL_FIELDS.every(
    (field) => changes[field] === undefined || live[field] === changes[field],
  );
  const own = changes.providerOptions?.[provider] as Record<string, unknown> | undefined;
  const liveOwn = live.providerOptions?.[provider] ?? {};
  return (
    neutral &&
    Object.entries(own ?? {}).every(
      ([key, value]) => value === undefined || isDeepStrictEqual(asJson(liveOwn[key]), asJson(value)),
    )
  );
}

function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** A snapshot as changes, to re-apply it (a rollback by re-publishing). */
export function changesOfSnapshot(snapshot: ConfigSnapshot): AgentChanges {
  const changes: AgentChanges = {};
  for (const field of NEUTRAL_FIELDS) if (snapshot[field] !== undefined) changes[field] = snapshot[field];
  if (snapshot.providerOptions) changes.providerOptions = { ...snapshot.providerOptions };
  return changes;
}

/**
 * The configuration to restore to undo every successful attempt newer than `target` (newest
 * first in `newer`): for each field, the value from before the oldest attempt that touched it.
 * Fields no later attempt touched are still as `target` left them, so they are not part of it.
 */
export function snapshotToUndo(newer: readonly LedgerEntry[]): ConfigSnapshot {
  const restore: ConfigSnapshot = {};
  // Walk oldest → newest so the oldest attempt's "before" wins for a field touched many times.
  for (const entry of [...newer].reverse()) {
    const before = entry.snapshotBefore ?? {};
    for (const field of NEUTRAL_FIELDS) {
      if (before[field] !== undefined && restore[field] === undefined) restore[field] = before[field];
    }
    for (const [provider, fields] of Object.entries(before.providerOptions ?? {})) {
      if (!fields) continue;
      restore.providerOptions ??= {};
      const into = restore.providerOptions[provider] ?? {};
      restore.providerOptions[provider] = into;
      for (const [key, value] of Object.entries(fields)) if (!Object.hasOwn(into, key)) into[key] = value;
    }
  }
  return restore;
}

/** True when the snapshot names no field. */
export function isEmptySnapshot(snapshot: ConfigSnapshot): boolean {
  return (
    NEUTRAL_FIELDS.every((f) => snapshot[f] === undefined) &&
    Object.keys(snapshot.providerOptions ?? {}).length === 0
  );
}

// A deep copy with registered keys removed. Not `redactValue`: a snapshot must round-trip intact
// (no truncation, no pattern rewriting of prompt text), or a rollback would restore damaged text.
function sanitize<T>(value: T): T {
  if (typeof value === 'string') return redactKnownSecrets(value) as T;
  if (Array.isArray(value)) return value.map(sanitize) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitize(v)])) as T;
  }
  return value;
}
