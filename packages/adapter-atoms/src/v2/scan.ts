/** Waiting for a v2 publish's (or restore's) security scan to commit. */
import {
  AbortedError,
  ConflictError,
  type PublishGateInfo,
  SecurityCheckTimeoutError,
} from '@agent-release/core';
import { waitUntil } from '@agent-release/core/provider';
import { isErrorCode } from '../shared/errors.js';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import type { AtomsRevisionRow } from './api.js';
import { scanStateOf } from './mapping.js';
import { type PublishContext, scanFailed } from './publish.js';
import { cancelPublish, getRevision, listRevisionRows, type V2Context } from './requests.js';

/**
 * Waits for a scanning publish (or restore) to commit, the documented way: the newest row of
 * `GET .../revisions?limit=1` is the attempt (unless `rowId` is already known), then
 * `GET .../revisions/{rowId}` until its `status` is `published`. A failed/errored scan, a
 * cancel by someone else, the deadline and an abort all end the wait; the last two cancel the
 * publish first when `cancelOnStop` (a draft publish; a restore has no documented cancel).
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
  const maxWaitMs = ctx.securityCheck.maxWaitMs;
  const result = await waitUntil<AtomsRevisionRow>(
    async () => {
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
        return { state: 'failure', value: row, reason: 'scan failed' };
      }
      idlePolls = state.kind === 'idle' ? idlePolls + 1 : 0;
      if (state.kind === 'cancelled' || idlePolls >= 2) {
        return { state: 'failure', value: row, reason: 'cancelled' };
      }
      lastGate = state.gate;
      return { state: 'retry', value: row, reason: `scan ${state.gate?.raw ?? 'running'}` };
    },
    {
      minDelayMs: ctx.securityCheck.minDelayMs,
      maxDelayMs: ctx.securityCheck.maxDelayMs,
      maxWaitMs,
      signal,
      clock: ctx.clock,
      random: ctx.random,
    },
  );

  switch (result.state) {
    case 'success':
      return result.value!;
    case 'failure':
      if (result.reason === 'cancelled') {
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
    case 'timeout': {
      const cancelled = cancelOnStop ? await cancelPublish(ctx, agentId, branchId) : false;
      throw new SecurityCheckTimeoutError(
        `${ATOMS_PROVIDER} publish: the security scan on branch ${branchId} did not finish within ${maxWaitMs} ms (last status: ${lastGate?.raw ?? 'unknown'}). ${cancelled ? 'The publish was cancelled, so nothing goes live later; the draft stays open: release again.' : 'It may still commit later.'}`,
        {
          provider: ATOMS_PROVIDER,
          operation: 'publish',
          ...(candidate !== undefined ? { versionId: candidate } : {}),
          ...(lastGate?.raw !== undefined ? { lastStatus: lastGate.raw } : {}),
          waitedMs: result.elapsedMs,
          details: { agentId, branchId, cancelled },
        },
      );
    }
    default: {
      const cancelled = cancelOnStop ? await cancelPublish(ctx, agentId, branchId) : false;
      throw new AbortedError(
        `${ATOMS_PROVIDER} publish was aborted while the security scan ran${cancelled ? '; the publish was cancelled' : ''}`,
        {
          provider: ATOMS_PROVIDER,
          operation: 'publish',
          details: { agentId, branchId, revisionId: candidate, cancelled },
        },
      );
    }
  }
}
