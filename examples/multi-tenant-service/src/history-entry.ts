import type { ConfigSnapshot, LedgerEntry, LedgerOutcome } from '@agent-release/core';

/** One ledger entry as the history route answers it. */
export interface HistoryEntry {
  id: string;
  kind: 'release' | 'rollback';
  outcome: LedgerOutcome;
  provider: string;
  actor: string | null;
  startedAt: string;
  finishedAt: string | null;
  versionBefore: string | null;
  versionAfter: string | null;
  /** The neutral (and vendor-option) fields the attempt touched, by dotted path. */
  fields: string[];
  snapshotBefore: ConfigSnapshot | null;
  snapshotAfter: ConfigSnapshot | null;
  /** One line per step, e.g. `publish ok`, `activate skipped`. */
  steps: Array<{ name: string; status: string; durationMs: number }>;
  label: string | null;
  errorCode: string | null;
}

/** Maps a ledger entry to the route's shape: explicit nulls, steps without their free-text details. */
export function toHistoryEntry(entry: LedgerEntry): HistoryEntry {
  return {
    id: entry.id,
    kind: entry.kind,
    outcome: entry.outcome,
    provider: entry.provider,
    actor: entry.actor ?? null,
    startedAt: entry.startedAt,
    finishedAt: entry.finishedAt ?? null,
    versionBefore: entry.versionBefore ?? null,
    versionAfter: entry.versionAfter ?? null,
    fields: touchedFields(entry.snapshotBefore, entry.snapshotAfter),
    snapshotBefore: entry.snapshotBefore ?? null,
    snapshotAfter: entry.snapshotAfter ?? null,
    steps: entry.steps.map((s) => ({ name: s.name, status: s.status, durationMs: s.durationMs })),
    label: entry.label ?? null,
    errorCode: entry.errorCode ?? null,
  };
}

/** The dotted paths present in either snapshot (`providerOptions.atoms.voiceId`), sorted. */
export function touchedFields(...snapshots: Array<ConfigSnapshot | undefined>): string[] {
  const paths = new Set<string>();
  for (const snapshot of snapshots) {
    if (!snapshot) continue;
    for (const [key, value] of Object.entries(snapshot)) {
      if (value === undefined) continue;
      if (key !== 'providerOptions' || typeof value !== 'object' || value === null) {
        paths.add(key);
        continue;
      }
      for (const [provider, options] of Object.entries(value)) {
        for (const field of Object.keys(options ?? {})) paths.add(`providerOptions.${provider}.${field}`);
      }
    }
  }
  return [...paths].sort();
}
