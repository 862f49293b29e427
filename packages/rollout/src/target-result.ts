import { isAgentReleaseError, redact } from '@agent-release/core';

/**
 * How one target ended in this run.
 * - `released`: this run published a new live version.
 * - `unchanged`: nothing differed (or a crashed attempt had already applied it); no version created.
 * - `skipped`: an earlier run of the same rollout finished it (read from the ledger) and its change
 *   is still live (read from the vendor).
 * - `failed`: the release failed; `error` says why.
 * - `rolled-back` / `rollback-failed`: after a halt, the automatic rollback of a released target.
 */
export type TargetOutcome =
  | 'released'
  | 'unchanged'
  | 'skipped'
  | 'failed'
  | 'rolled-back'
  | 'rollback-failed';

/** What happened to one target. Plain JSON: it crosses process boundaries in the BullMQ engine. */
export interface TargetResult {
  index: number;
  tenant: string;
  agentId: string;
  outcome: TargetOutcome;
  /** The live version after this target's release or rollback, when known. */
  versionId?: string | undefined;
  /** Why it failed: the stable error code and a secret-free message. */
  error?: { code: string; message: string } | undefined;
  durationMs: number;
}

/** A failure reduced to what is safe to show and to send across processes. */
export function describeFailure(error: unknown): { code: string; message: string } {
  if (isAgentReleaseError(error)) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'UNKNOWN', message: redact(message).slice(0, 500) };
}
