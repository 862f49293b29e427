/**
 * What is true after a publish that may be armed stopped short (abort, deadline, a failed poll):
 * the branch is read again, an armed publish is cancelled, and the branch is read once more, so
 * the caller is told whether anything went live. Atoms' cancel answers 200 even when the publish
 * had committed, so its answer is never taken as proof.
 */
import { isAgentReleaseError } from '@agent-release/core';
import { hasOpenDraft } from './mapping.js';
import type { PublishContext } from './publish.js';
import { cancelPublish, getBranch, getBranchDraft, type V2Context } from './requests.js';

// The re-reads must not run on the caller's (fired) signal, nor hang: a deadline of their own.
const SETTLE_TIMEOUT_MS = 15_000;

/** What the branch showed after settling. */
export type Settled =
  | { kind: 'committed'; revisionId: string; live: boolean }
  | { kind: 'not-committed'; cancelled: boolean }
  | { kind: 'unknown'; cause: unknown };

/** Re-reads the branch, cancels an armed publish, re-reads again (see the file comment). */
export async function settleArmedPublish(ctx: V2Context, pub: PublishContext): Promise<Settled> {
  const signal = AbortSignal.timeout(SETTLE_TIMEOUT_MS);
  const read = async () => {
    const summary = await getBranch(ctx, pub.agentId, pub.branchId, signal);
    const head = summary.branch.headRevisionId ?? undefined;
    const committed: Settled | undefined =
      head !== undefined && head !== pub.preHead
        ? { kind: 'committed', revisionId: head, live: summary.isLive }
        : undefined;
    return { summary, committed };
  };
  try {
    const before = await read();
    if (before.committed !== undefined) return before.committed;
    let cancelled = false;
    if (hasOpenDraft(before.summary)) {
      const latest = await getBranchDraft(ctx, pub.agentId, pub.branchId, signal);
      if (latest.pendingPublish?.state === 'active') {
        cancelled = await cancelPublish(ctx, pub.agentId, pub.branchId);
        const after = await read();
        if (after.committed !== undefined) return after.committed;
      }
    }
    return { kind: 'not-committed', cancelled };
  } catch (cause) {
    ctx.logger.warn('atoms could not tell whether the stopped publish committed', {
      provider: 'atoms',
      agentId: pub.agentId,
      branchId: pub.branchId,
      code: isAgentReleaseError(cause) ? cause.code : 'error',
    });
    return { kind: 'unknown', cause };
  }
}

/** The facts of a settled publish, for error details. */
export function settledFacts(settled: Settled): Record<string, unknown> {
  if (settled.kind === 'committed')
    return { live: settled.live, committed: true, versionId: settled.revisionId };
  if (settled.kind === 'not-committed')
    return { live: false, committed: false, cancelled: settled.cancelled };
  return { live: 'unknown' };
}

/** One sentence saying what is live after settling. */
export function settledSentence(settled: Settled, branchId: string): string {
  if (settled.kind === 'committed') {
    return `Atoms had already committed it as revision ${settled.revisionId}${settled.live ? ', which is live now' : ` on branch ${branchId} (not live)`}.`;
  }
  if (settled.kind === 'not-committed') {
    return settled.cancelled
      ? 'The publish was cancelled and nothing was committed or went live; the draft stays open.'
      : 'Nothing was committed or went live; the draft stays open.';
  }
  return `Whether it committed could not be read back; check branch ${branchId} before releasing again.`;
}
