/** Terminal outcome of the post-publish security check. */
export type SecurityCheckOutcome = 'passed' | 'failed' | 'errored';

/**
 * What a published version looks like to an `outcome` callback. Under the v2 branch model the
 * subject is the draft row being scanned: `versionId` is the revision id it will commit under,
 * `versionNumber` the revision number it will get, and `branchId` is set.
 */
export interface SecurityCheckSubject {
  agentId: string;
  versionId: string;
  versionNumber: number;
  /** The branch being published (v2 only). */
  branchId?: string;
  config: Record<string, unknown>;
}

/** How the emulated post-publish security check behaves. */
export interface AtomsSecurityCheckOptions {
  /** How long a check takes after publish. Default 6000 (the documented ~6 s). */
  durationMs?: number;
  /** Outcome of every check, or a function deciding per version. Default `'passed'`. */
  outcome?: SecurityCheckOutcome | ((version: SecurityCheckSubject) => SecurityCheckOutcome);
  /** `securityCheck.reason` of a failed/errored check (also in the activate refusal). */
  reason?: string;
  /** HTTP status of the activate refusal while the check is pending (undocumented). Default 400. */
  pendingStatus?: number;
  /**
   * Whether versions carry a `securityCheck` field. Default true. With `false` the field is
   * absent, as on the v1 spec, and clients can only learn readiness from the activate refusal.
   */
  expose?: boolean;
}

/** Internal record: outcome decided at publish, revealed once `completesAt` has passed. */
export interface SecurityCheckRecord {
  outcome: SecurityCheckOutcome;
  reason: string | null;
  triggeredAt: number;
  completesAt: number;
}

/** The `securityCheck` object on a version. */
export interface SecurityCheckView {
  status: 'queued' | SecurityCheckOutcome;
  reason: string | null;
  triggeredAt: string | null;
  completedAt: string | null;
}

const DEFAULT_REASONS: Record<Exclude<SecurityCheckOutcome, 'passed'>, string> = {
  failed: 'Prompt failed the security review',
  errored: 'Security scanner error',
};

/**
 * Starts a check. Completion is a timestamp compared on every read rather than a timer, so
 * closing the emulator leaves nothing scheduled and an injected clock drives it.
 */
export function startSecurityCheck(
  options: AtomsSecurityCheckOptions,
  subject: SecurityCheckSubject,
  now: number,
): SecurityCheckRecord {
  const outcome =
    typeof options.outcome === 'function'
      ? options.outcome(structuredClone(subject))
      : (options.outcome ?? 'passed');
  return {
    outcome,
    reason: outcome === 'passed' ? null : (options.reason ?? DEFAULT_REASONS[outcome]),
    triggeredAt: now,
    completesAt: now + Math.max(0, options.durationMs ?? 6000),
  };
}

/** A check that already passed (initial versions). */
export function passedSecurityCheck(now: number): SecurityCheckRecord {
  return { outcome: 'passed', reason: null, triggeredAt: now, completesAt: now };
}

export function isCheckPending(check: SecurityCheckRecord, now: number): boolean {
  return now < check.completesAt;
}

export function securityCheckView(check: SecurityCheckRecord, now: number): SecurityCheckView {
  const pending = isCheckPending(check, now);
  return {
    status: pending ? 'queued' : check.outcome,
    reason: pending ? null : check.reason,
    triggeredAt: new Date(check.triggeredAt).toISOString(),
    completedAt: pending ? null : new Date(check.completesAt).toISOString(),
  };
}
