import {
  backoffDelayMs,
  type Clock,
  ConflictError,
  type Logger,
  ProviderUnavailableError,
  type RetryPolicy,
} from '@agent-release/core';

/**
 * How one "publish exactly once" ended:
 * - `published`: Langdock answered with the new version;
 * - `reconciled`: the answer was lost, the single re-send got 409, so the lost attempt made the
 *   draft live — a version was created, but Langdock will not name it;
 * - `no-changes`: the first attempt got 409: the draft already equalled the live version.
 */
export type PublishOnceResult<T> =
  | { readonly kind: 'published'; readonly response: T }
  | { readonly kind: 'reconciled' }
  | { readonly kind: 'no-changes' };

/** What {@link publishExactlyOnce} needs; everything else stays with the caller. */
export interface PublishOnceDeps {
  readonly retryPolicy: RetryPolicy;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
}

/**
 * Sends a non-idempotent publish so that at most one version comes of it, even when its answer is
 * lost (connection dropped, deadline, 5xx after the write).
 *
 * Kept apart from the releaser on purpose: it is the routine core will take over for every
 * vendor whose publish answers 409 ("nothing to publish") once the draft is live.
 *
 * After a lost answer it re-sends once, after one backoff. A 409 on that re-send means the draft
 * equals the live version: the lost attempt took effect (the caller made sure there was something
 * to publish), so the result is `reconciled`, never `unchanged`. A second lost answer is thrown.
 * With `maxRetries: 0` (`retry: false`) nothing is re-sent and the lost answer is thrown.
 *
 * @param send one publish request; throws core's typed errors.
 */
export async function publishExactlyOnce<T>(
  send: () => Promise<T>,
  deps: PublishOnceDeps,
  context: { agentId: string; signal?: AbortSignal | undefined },
): Promise<PublishOnceResult<T>> {
  try {
    return { kind: 'published', response: await send() };
  } catch (error) {
    if (isNoChanges(error)) return { kind: 'no-changes' };
    if (!(error instanceof ProviderUnavailableError && error.mayHaveTakenEffect)) throw error;
    if (deps.retryPolicy.maxRetries === 0) throw error;
    const delayMs = backoffDelayMs(0, deps.retryPolicy, deps.random);
    deps.logger.warn('langdock publish: response lost, re-sending once to learn whether it took effect', {
      agentId: context.agentId,
      reason: error.reason,
      status: error.status,
      delayMs,
    });
    await deps.clock.sleep(delayMs, context.signal);
  }
  try {
    return { kind: 'published', response: await send() };
  } catch (error) {
    if (!isNoChanges(error)) throw error;
    deps.logger.info('langdock publish: the lost attempt had taken effect; its version is live', {
      agentId: context.agentId,
    });
    return { kind: 'reconciled' };
  }
}

/** A 409 from publish: Langdock's "No draft changes to publish". */
export function isNoChanges(error: unknown): boolean {
  return error instanceof ConflictError && error.status === 409;
}
