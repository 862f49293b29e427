import type { LedgerEntryFinish, LedgerEntryStart, LedgerHistoryQuery } from '@agent-release/core';
import { parseInput } from '@agent-release/core/provider';
import { z } from 'zod';

// The ledger validates what it is given before writing, so a bad call is a ValidationError that
// names the field instead of a driver error or a row nobody can read back.

const text = z.string().min(1).max(1000);
const optionalText = text.optional();
const isoTime = z.iso.datetime({ offset: true });

/**
 * Most bytes of JSON (UTF-8) one configuration snapshot (`snapshotBefore`, `snapshotAfter`) may
 * take: 1 MiB, room for a prompt of hundreds of pages, while a runaway value is refused before
 * it bloats every history read.
 */
export const MAX_SNAPSHOT_BYTES = 1024 * 1024;

const snapshotSchema = z
  .object({
    instructions: z.string().optional(),
    firstMessage: z.string().optional(),
    model: z.string().optional(),
    providerOptions: z.record(z.string(), z.record(z.string(), z.unknown()).optional()).optional(),
  })
  .strict()
  .superRefine((snapshot, ctx) => {
    const bytes = Buffer.byteLength(JSON.stringify(snapshot), 'utf8');
    if (bytes <= MAX_SNAPSHOT_BYTES) return;
    ctx.addIssue({
      code: 'custom',
      message: `is ${bytes.toLocaleString('en-US')} bytes of JSON, over the limit of ${MAX_SNAPSHOT_BYTES.toLocaleString('en-US')} bytes (1 MiB) per snapshot; record a smaller configuration.`,
    });
  });

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
  // Core's finished outcomes, 'abandoned' included. Neither store constrains the column (no
  // CHECK in the migrations), so this list is the only place an outcome is allowed.
  outcome: z.enum(['released', 'unchanged', 'rolled-back', 'failed', 'abandoned']),
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
