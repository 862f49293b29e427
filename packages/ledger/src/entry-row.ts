import type { ConfigSnapshot, LedgerEntry, LedgerOutcome, ReleaseStep } from '@agent-release/core';

/**
 * One entry as both stores keep it: flat columns, JSON text for the nested parts. `null` for an
 * absent field, since both drivers read SQL NULL as `null`.
 */
export interface EntryRow {
  id: string;
  kind: string;
  provider: string;
  agent_id: string;
  tenant: string | null;
  actor: string | null;
  rollout_id: string | null;
  version_before: string | null;
  version_after: string | null;
  /** JSON: text in SQLite, already parsed from `jsonb` in PostgreSQL. */
  snapshot_before: unknown;
  snapshot_after: unknown;
  label: string | null;
  outcome: string;
  error_code: string | null;
  steps: unknown;
  started_at: string;
  finished_at: string | null;
}

/** The columns of {@link EntryRow}, in the order the stores insert them. */
export const ENTRY_COLUMNS = [
  'id',
  'kind',
  'provider',
  'agent_id',
  'tenant',
  'actor',
  'rollout_id',
  'version_before',
  'version_after',
  'snapshot_before',
  'snapshot_after',
  'label',
  'outcome',
  'error_code',
  'steps',
  'started_at',
  'finished_at',
] as const satisfies readonly (keyof EntryRow)[];

/** The row of a just-begun entry. */
export function toRow(entry: LedgerEntry): EntryRow {
  return {
    id: entry.id,
    kind: entry.kind,
    provider: entry.provider,
    agent_id: entry.agentId,
    tenant: entry.tenant ?? null,
    actor: entry.actor ?? null,
    rollout_id: entry.rolloutId ?? null,
    version_before: entry.versionBefore ?? null,
    version_after: entry.versionAfter ?? null,
    snapshot_before: json(entry.snapshotBefore),
    snapshot_after: json(entry.snapshotAfter),
    label: entry.label ?? null,
    outcome: entry.outcome,
    error_code: entry.errorCode ?? null,
    steps: JSON.stringify(entry.steps),
    started_at: entry.startedAt,
    finished_at: entry.finishedAt ?? null,
  };
}

/** The entry a row holds; absent fields stay absent (no `undefined`-valued keys). */
export function fromRow(row: EntryRow): LedgerEntry {
  const entry: LedgerEntry = {
    id: row.id,
    kind: row.kind as LedgerEntry['kind'],
    provider: row.provider,
    agentId: row.agent_id,
    outcome: row.outcome as LedgerOutcome,
    steps: parseJson(row.steps) as ReleaseStep[],
    startedAt: row.started_at,
  };
  if (row.tenant !== null) entry.tenant = row.tenant;
  if (row.actor !== null) entry.actor = row.actor;
  if (row.rollout_id !== null) entry.rolloutId = row.rollout_id;
  if (row.version_before !== null) entry.versionBefore = row.version_before;
  if (row.version_after !== null) entry.versionAfter = row.version_after;
  if (row.snapshot_before !== null && row.snapshot_before !== undefined)
    entry.snapshotBefore = parseJson(row.snapshot_before) as ConfigSnapshot;
  if (row.snapshot_after !== null && row.snapshot_after !== undefined)
    entry.snapshotAfter = parseJson(row.snapshot_after) as ConfigSnapshot;
  if (row.label !== null) entry.label = row.label;
  if (row.error_code !== null) entry.errorCode = row.error_code;
  if (row.finished_at !== null) entry.finishedAt = row.finished_at;
  return entry;
}

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

// pg hands back jsonb already parsed; SQLite hands back the text.
function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}
