import { type Clock, ConflictError, type Logger, ProviderUnavailableError } from '@agent-release/core';
import {
  backoffDelayMs,
  publishExactlyOnce as corePublishOnce,
  type RetryPolicy,
} from '@agent-release/core/provider';

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
 * lost (connection dropped, deadline, 5xx after the write), on core's {@link corePublishOnce}.
 *
 * Langdock shows no version history, so the only way to learn whether a lost publish took effect
 * is to send it once more, after one backoff: a 409 ("no draft changes") then means the lost
 * attempt made the draft live (the caller made sure there was something to publish), so the
 * result is `reconciled`, never `unchanged`; a 200 means it had not, and this one published. A
 * second lost answer is thrown. With `maxRetries: 0` (`retry: false`) nothing is re-sent.
 *
 * @param send one publish request; throws core's typed errors.
 */
export async function publishExactlyOnce<T>(
  send: () => Promise<T>,
  deps: PublishOnceDeps,
  context: { agentId: string; signal?: AbortSignal | undefined },
): Promise<PublishOnceResult<T>> {
  const published = async (): Promise<PublishOnceResult<T>> => ({
    kind: 'published',
    response: await send(),
  });
  try {
    const { value } = await corePublishOnce<PublishOnceResult<T>>({
      send: published,
      mayHaveApplied: (error, attempt) =>
        attempt === 1 &&
        deps.retryPolicy.maxRetries > 0 &&
        error instanceof ProviderUnavailableError &&
        error.mayHaveTakenEffect,
      reconcile: async (cause) => {
        const delayMs = backoffDelayMs(0, deps.retryPolicy, deps.random);
        deps.logger.warn('langdock publish: response lost, re-sending once to learn whether it took effect', {
          agentId: context.agentId,
          reason: (cause as ProviderUnavailableError).reason,
          status: (cause as ProviderUnavailableError).status,
          delayMs,
        });
        await deps.clock.sleep(delayMs, context.signal);
        try {
          return { kind: 'applied', value: await published() };
        } catch (error) {
          if (!isNoChanges(error)) throw error;
          deps.logger.info('langdock publish: the lost attempt had taken effect; its version is live', {
            agentId: context.agentId,
          });
          return { kind: 'applied', value: { kind: 'reconciled' } };
        }
      },
    });
    return value;
  } catch (error) {
    // A 409 on the first attempt: the draft already equalled the live version.
    if (isNoChanges(error)) return { kind: 'no-changes' };
    throw error;
  }
}

/** A 409 from publish: Langdock's "No draft changes to publish". */
export function isNoChanges(error: unknown): boolean {
  return error instanceof ConflictError && error.status === 409;
}
