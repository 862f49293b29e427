/** Waiting for a v2 publish's (or restore's) security scan to commit. */
import {
  AbortedError,
  ConflictError,
  ProviderUnavailableError,
  type PublishGateInfo,
  SecurityCheckTimeoutError,
} from '@agent-release/core';
import { type GateStop, gateProgressReporter, waitForGate } from '@agent-release/core/provider';
import { isErrorCode } from '../shared/errors.js';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import type { AtomsRevisionRow } from './api.js';
import { scanStateOf } from './mapping.js';
import { type PublishContext, scanFailed } from './publish.js';
import { getRevision, listRevisionRows, type V2Context } from './requests.js';
import { type Settled, settleArmedPublish, settledFacts, settledSentence } from './settle.js';

/**
 * Waits for a scanning publish (or restore) to commit, the documented way: the newest row of
 * `GET .../revisions?limit=1` is the attempt (unless `rowId` is already known), then
 * `GET .../revisions/{rowId}` until its `status` is `published`. A failed scan and a cancel by
 * someone else end the wait. The deadline, an abort or a failed poll of a draft publish
 * (`cancelOnStop`) settle it first: re-read, cancel if still armed, and tell what is live.
 */
export async function awaitScan(
  ctx: V2Context,
  pub: PublishContext,
  rowId: string | undefined,
  cancelOnStop: boolean,
): Promise<AtomsRevisionRow> {
  const { agentId, branchId, signal } = pub;
  let candidate = rowId;
  let lastGate: PublishGateInfo | undefined;
  let idlePolls = 0;
  const maxWaitMs = pub.maxWaitMs ?? ctx.securityCheck.maxWaitMs;
  const report = gateProgressReporter(pub.onGateProgress, ctx.clock);
  const { value } = await waitForGate<AtomsRevisionRow>(
    async (attempt) => {
      let row: AtomsRevisionRow;
      if (candidate === undefined) {
        const [top] = await listRevisionRows(ctx, agentId, branchId, { limit: 1, skip: 0 }, signal);
        if (top === undefined || top._id === pub.preHead) {
          return { state: 'retry', reason: 'publish not listed yet' };
        }
        candidate = top._id;
        row = top;
      } else {
        try {
          row = await getRevision(ctx, agentId, branchId, candidate, signal);
        } catch (error) {
          if (!isErrorCode(error, 'NOT_FOUND')) throw error;
          throw new ConflictError(
            `${ATOMS_PROVIDER} publish: the draft of branch ${branchId} was discarded while its scan ran; nothing was committed.`,
            { provider: ATOMS_PROVIDER, operation: 'publish', details: { agentId, branchId } },
          );
        }
      }
      const state = scanStateOf(row);
      if (state.kind === 'committed') return { state: 'success', value: row };
      if (state.kind === 'failed') {
        lastGate = state.gate;
        report(attempt, state.gate);
        return { state: 'failure', value: row, reason: 'scan failed' };
      }
      idlePolls = state.kind === 'idle' ? idlePolls + 1 : 0;
      if (state.kind === 'cancelled' || idlePolls >= 2) {
        return { state: 'failure', value: row, reason: 'cancelled' };
      }
      lastGate = state.gate ?? lastGate;
      report(attempt, state.gate ?? { status: 'pending' });
      return { state: 'retry', value: row, reason: `scan ${state.gate?.raw ?? 'running'}` };
    },
    {
      minDelayMs: ctx.securityCheck.minDelayMs,
      maxDelayMs: ctx.securityCheck.maxDelayMs,
      maxWaitMs,
      signal,
      clock: ctx.clock,
      random: ctx.random,
      subject: { provider: ATOMS_PROVIDER, operation: 'publish', what: `the draft of branch ${branchId}` },
      settle: async (stop) => {
        if (stop.kind === 'failure') {
          if (stop.reason === 'cancelled') {
            throw new ConflictError(
              `${ATOMS_PROVIDER} publish: the publish on branch ${branchId} was cancelled by someone else while its scan ran; nothing was committed. Release again to publish.`,
              {
                provider: ATOMS_PROVIDER,
                operation: 'publish',
                details: { agentId, branchId, revisionId: candidate },
              },
            );
          }
          throw scanFailed(pub, candidate, lastGate ?? { status: 'failed' });
        }
        if (!cancelOnStop) return undefined;
        const settled = await settleArmedPublish(ctx, pub);
        // A timeout or a lost poll that committed meanwhile is a success; an abort stays an abort.
        if (settled.kind === 'committed' && stop.kind !== 'aborted') {
          return getRevision(ctx, agentId, branchId, settled.revisionId, AbortSignal.timeout(15_000));
        }
        throw stoppedError(stop, settled, pub, candidate, lastGate, maxWaitMs);
      },
    },
  );
  return value;
}

/** The error for a settled stop: what happened, and what is live now. */
function stoppedError(
  stop: GateStop<AtomsRevisionRow>,
  settled: Settled,
  pub: PublishContext,
  candidate: string | undefined,
  lastGate: PublishGateInfo | undefined,
  maxWaitMs: number,
): Error {
  const { agentId, branchId } = pub;
  const details = {
    agentId,
    branchId,
    ...(candidate ? { revisionId: candidate } : {}),
    ...settledFacts(settled),
  };
  const truth = settledSentence(settled, branchId);
  const base = { provider: ATOMS_PROVIDER, operation: 'publish', details };
  if (stop.kind === 'timeout') {
    return new SecurityCheckTimeoutError(
      `${ATOMS_PROVIDER} publish: the security scan on branch ${branchId} did not finish within ${maxWaitMs} ms (last status: ${lastGate?.raw ?? 'unknown'}). ${truth}`,
      {
        ...base,
        ...(candidate !== undefined ? { versionId: candidate } : {}),
        ...(lastGate?.raw !== undefined ? { lastStatus: lastGate.raw } : {}),
        waitedMs: stop.elapsedMs,
      },
    );
  }
  if (stop.kind === 'aborted') {
    return new AbortedError(`${ATOMS_PROVIDER} publish was aborted while the security scan ran. ${truth}`, {
      ...base,
      details,
    });
  }
  return new ProviderUnavailableError(
    `${ATOMS_PROVIDER} publish: the security scan on branch ${branchId} could not be followed (a read failed). ${truth}`,
    {
      ...base,
      mayHaveTakenEffect: settled.kind === 'unknown',
      cause: stop.kind === 'poll-error' ? stop.error : undefined,
    },
  );
}
