/**
 * Reading Atoms' post-publish security check, from the version (`securityCheck.status`) or from
 * an activate refusal. Neither the status enum nor the refusal is documented, so both are read
 * defensively: `passed` means ready, `failed`/`errored` (any case) mean a terminal failure, and
 * anything else means "not ready yet".
 */
import {
  type AgentReleaseError,
  isAgentReleaseError,
  type PublishGateInfo,
  redact,
} from '@agent-release/core';
import type { AtomsVersionRow } from './api.js';

const PASSED = new Set(['passed']);
const FAILED = new Set(['failed', 'errored', 'error', 'rejected']);
const PENDING = new Set(['queued', 'pending', 'running', 'scanning', 'in_progress', 'processing']);

/** Normalises a raw `securityCheck.status` (case-insensitive). */
export function normalizeCheckStatus(raw: string | null | undefined): PublishGateInfo['status'] {
  const status = raw?.trim().toLowerCase();
  if (status === undefined || status === '') return 'unknown';
  if (PASSED.has(status)) return 'passed';
  if (FAILED.has(status)) return 'failed';
  if (PENDING.has(status)) return 'pending';
  return 'unknown';
}

/**
 * The gate info of a version, or `undefined` when the version carries no `securityCheck` (the v1
 * spec has none; pre-feature versions have `null`): then only an activate attempt can tell.
 */
export function gateOf(version: Pick<AtomsVersionRow, 'securityCheck'>): PublishGateInfo | undefined {
  const check = version.securityCheck;
  if (check === undefined || check === null) return undefined;
  const raw = check.status ?? undefined;
  return {
    status: normalizeCheckStatus(raw),
    // Vendor text ends up in errors (`lastStatus`, `checkStatus`) and logs: scrub and bound it.
    raw: raw === undefined ? undefined : redact(raw).slice(0, 100),
    reason:
      check.reason === undefined || check.reason === null ? undefined : redact(check.reason).slice(0, 1000),
  };
}

/** What an activate refusal says about the security check. */
export type ActivateRefusal = { kind: 'pending' } | { kind: 'failed'; reason: string | undefined };

// The guide calls the refusal a "security check pending" error; its status and exact text are
// undocumented, so any 4xx that names the security check is read by its wording.
const MENTIONS_CHECK = /security[\s_-]*(check|scan|review)/i;
const PENDING_WORDS =
  /\b(pending|queued|in[\s_-]?progress|running|scanning|not\s+(yet\s+)?(complete|completed|finished|done|passed)|wait)\b/i;
const FAILED_WORDS = /\b(fail(ed|s|ure)?|errored|rejected|flagged|blocked|unsafe|violation)\b/i;

/**
 * Classifies an error from `PATCH .../activate`: a 4xx whose message says the security check is
 * pending is "not ready yet"; one saying it failed is terminal. Anything else is `undefined`
 * (a real error to surface). Pending wording wins, since "… pending. Retry once it has passed"
 * must not be read as a failure.
 */
export function classifyActivateRefusal(error: unknown): ActivateRefusal | undefined {
  if (!isAgentReleaseError(error)) return undefined;
  const { status } = error as AgentReleaseError;
  if (status === undefined || status < 400 || status >= 500 || status === 429) return undefined;
  if (error.code === 'MIGRATION_REQUIRED' || error.code === 'AUTHENTICATION') return undefined;
  const text = error.vendorMessage ?? '';
  if (!MENTIONS_CHECK.test(text)) return undefined;
  if (PENDING_WORDS.test(text)) return { kind: 'pending' };
  if (FAILED_WORDS.test(text)) {
    const reason = text.replace(
      /^.*?security[\s_-]*(check|scan|review)\s*(has\s+)?(failed|errored)?\s*[:.-]?\s*/i,
      '',
    );
    return { kind: 'failed', reason: reason === '' ? text : reason };
  }
  // Names the check but neither wording: treat as not ready; the deadline bounds the wait.
  return { kind: 'pending' };
}
