/**
 * v1 activate: wait until the version's security check passed, then `PATCH .../activate`.
 * Each poll reads the version; once a read shows no `securityCheck` field (the v1 spec has
 * none), polls go straight to the activate call and read its "security check pending" refusal.
 * A status this adapter does not know is not read as "not ready": activate is sent and its
 * answer (accepted, or refused as pending or failed) decides.
 */
import type { ActivateOptions, PublishGateInfo, VersionInfo } from '@agent-release/core';
import { gateProgressReporter, waitForGate } from '@agent-release/core/provider';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import type { AtomsReleaserDeps } from '../shared/requests.js';
import { classifyActivateRefusal, gateOf } from '../shared/security-check.js';
import { ATOMS_CHECK_SCHEDULE, checkPollDelayMs } from './check-schedule.js';
import { toVersionInfo } from './mapping.js';
import { activateVersion, getVersion } from './requests.js';

/** What one poll saw, for the messages of the outcome. */
interface Seen {
  version?: VersionInfo | undefined;
  status?: string | undefined;
}

/** Waits for the check, then activates (see the file comment). Idempotent. */
export async function activateV1(
  deps: AtomsReleaserDeps,
  agentId: string,
  versionId: string,
  opts: ActivateOptions & {
    maxWaitMs: number;
    /** Runs right before the activate call (once the check allows it); may throw to stop. */
    beforeActivate?: (() => Promise<void>) | undefined;
    /** When the check started (the publish answered), if known: polls follow the check schedule. */
    checkStartedAt?: number | undefined;
  },
): Promise<VersionInfo> {
  const { http, clock, securityCheck } = deps;
  const { signal } = opts;
  const report = gateProgressReporter(opts.onGateProgress, clock);
  let checkExposed: boolean | undefined;
  const pending = (status: string): { state: 'retry'; value: Seen; reason: string } => ({
    state: 'retry',
    value: { status },
    reason: `security check ${status}`,
  });

  const { value, attempts, elapsedMs } = await waitForGate<Seen>(
    async (attempt) => {
      if (checkExposed !== false) {
        const row = await getVersion(http, agentId, versionId, signal);
        const gate = gateOf(row);
        // Activation is idempotent: an active version is returned as it is, nothing is sent.
        if (row.isActive === true) {
          report(attempt, gate ?? { status: 'passed' });
          return { state: 'success', value: { version: toVersionInfo(agentId, row, true) } };
        }
        checkExposed = gate !== undefined;
        if (gate !== undefined) {
          report(attempt, gate);
          const status = gate.raw ?? gate.status;
          if (gate.status === 'failed') {
            return { state: 'failure', value: { status }, reason: gate.reason };
          }
          // Atoms does not document every status: after one this adapter does not know
          // (`completed`, `skipped`, none at all, ...) the activate call's answer decides.
          if (gate.status === 'pending') return pending(status);
        }
      }
      await opts.beforeActivate?.();
      try {
        const row = await activateVersion(http, agentId, versionId, signal);
        // Without a check field, the accepted activation is what says the check passed.
        if (!checkExposed) report(attempt, { status: 'passed' });
        return { state: 'success', value: { version: toVersionInfo(agentId, row, true) } };
      } catch (error) {
        const refusal = classifyActivateRefusal(error);
        if (refusal === undefined) throw error;
        if (refusal.kind === 'failed') {
          report(attempt, { status: 'failed', raw: 'failed', reason: refusal.reason } as PublishGateInfo);
          return { state: 'failure', value: { status: 'failed' }, reason: refusal.reason };
        }
        // Not ready yet (any 4xx saying the check is pending): poll again within the deadline.
        report(attempt, { status: 'pending', raw: 'pending' });
        return pending('pending');
      }
    },
    {
      minDelayMs: securityCheck.minDelayMs,
      maxDelayMs: securityCheck.maxDelayMs,
      maxWaitMs: opts.maxWaitMs,
      signal,
      clock,
      random: deps.random,
      statusOf: (seen) => seen?.status,
      schedule:
        opts.checkStartedAt === undefined || securityCheck.expectedMs === 0
          ? undefined
          : () =>
              checkPollDelayMs(clock.now() - (opts.checkStartedAt as number), {
                ...ATOMS_CHECK_SCHEDULE,
                expectedMs: securityCheck.expectedMs,
                leadMs: Math.min(ATOMS_CHECK_SCHEDULE.leadMs, securityCheck.expectedMs / 10),
              }),
      subject: {
        provider: ATOMS_PROVIDER,
        operation: 'activate',
        what: `version ${versionId}`,
        versionId,
        details: { agentId, versionId },
        failedAdvice: 'It stays published but cannot go live; change the draft and publish again.',
        timeoutAdvice: 'The version is published but not live; call activate again later.',
      },
    },
  );
  const version = value.version as VersionInfo;
  deps.logger.info('atoms version active', {
    provider: ATOMS_PROVIDER,
    agentId,
    versionId,
    polls: attempts,
    waitedMs: elapsedMs,
  });
  return version;
}
