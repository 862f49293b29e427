import type { LedgerEntryFinish, LedgerEntryStart, LedgerHistoryQuery } from '@agent-release/core';
import { parseInput } from '@agent-release/core/provider';
import { z } from 'zod';

// The ledger validates what it is given before writing, so a bad call is a ValidationError that
// names the field instead of a driver error or a row nobody can read back.

const text = z.string().min(1).max(1000);
const optionalText = text.optional();
const isoTime = z.iso.datetime({ offset: true });

const snapshotSchema = z
  .object({
    instructions: z.string().optional(),
    firstMessage: z.string().optional(),
    model: z.string().optional(),
    providerOptions: z.record(z.string(), z.record(z.string(), z.unknown()).optional()).optional(),
  })
  .strict();

const startSchema = z.object({
  kind: z.enum(['release', 'rollback']),
  provider: text,
  agentId: text,
  tenant: optionalText,
  actor: optionalText,
  rolloutId: optionalText,
  versionBefore: optionalText,
  snapshotBefore: snapshotSchema.optional(),
  snapshotAfter: snapshotSchema.optional(),
  label: optionalText,
  startedAt: isoTime,
});

const stepSchema = z.object({
  // Any name: rollback and future flows add steps of their own, and the ledger only keeps them.
  name: text,
  status: z.enum(['ok', 'skipped', 'failed']),
  startedAt: z.number().finite(),
  durationMs: z.number().finite().nonnegative(),
  detail: z.string().optional(),
});

const finishSchema = z.object({
  outcome: z.enum(['released', 'unchanged', 'rolled-back', 'failed']),
  versionAfter: optionalText,
  errorCode: optionalText,
  steps: z.array(stepSchema).max(1000),
  finishedAt: isoTime,
  snapshotAfter: snapshotSchema.optional(),
});

/** Default and cap of {@link LedgerHistoryQuery.limit}. */
export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_HISTORY_LIMIT = 1000;

const historySchema = z.object({
  agentId: text,
  provider: optionalText,
  tenant: optionalText,
  rolloutId: optionalText,
  limit: z.number().int().min(1).max(MAX_HISTORY_LIMIT).optional(),
});

const lastMadeLiveSchema = z.object({ provider: text, agentId: text, versionId: text });

export function parseStart(value: LedgerEntryStart): LedgerEntryStart {
  return parseInput(startSchema, value, 'ledger entry') as LedgerEntryStart;
}

export function parseFinish(value: LedgerEntryFinish): LedgerEntryFinish {
  return parseInput(finishSchema, value, 'ledger finish') as LedgerEntryFinish;
}

export function parseEntryId(value: string): string {
  return parseInput(text, value, 'ledger entry id');
}

export function parseHistoryQuery(
  value: LedgerHistoryQuery,
): Required<Pick<LedgerHistoryQuery, 'limit'>> & LedgerHistoryQuery {
  const query = parseInput(historySchema, value, 'history query');
  return { ...query, limit: query.limit ?? DEFAULT_HISTORY_LIMIT };
}

export function parseLastMadeLive(value: { provider: string; agentId: string; versionId: string }) {
  return parseInput(lastMadeLiveSchema, value, 'lastMadeLive query');
}
