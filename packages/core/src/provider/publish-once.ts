/**
 * Publishing exactly once: a publish is not idempotent, so after an answer that may have been
 * applied (a lost response, a deadline, a 5xx on the write) the vendor is asked what happened
 * before anything is re-sent. Send; on a possibly-applied failure reconcile; re-send at most
 * once; reconcile again. A vendor-specific `reconcile` says what the vendor shows.
 */

/** What a reconciliation found. `gone`-like outcomes are thrown by `reconcile` as typed errors. */
export type Reconciled<T> = { kind: 'applied'; value: T } | { kind: 'not-applied' };

/** How a publish ended up applied. */
export type PublishedHow = 'direct' | 'reconciled' | 'resent';

/** The vendor-specific steps of {@link publishExactlyOnce}. */
export interface PublishOnceSteps<T> {
  /** Sends the publish (attempt 1 or the single re-send, 2). */
  send(attempt: 1 | 2): Promise<T>;
  /**
   * Whether a failed send may have been applied, so the vendor must be asked before anything
   * else happens. For attempt 2 also any answer saying "already done by the first one".
   */
  mayHaveApplied(error: unknown, attempt: 1 | 2): boolean;
  /** Asks the vendor whether a publish was applied. Throws when it can tell neither way. */
  reconcile(cause: unknown, attempt: 1 | 2): Promise<Reconciled<T>>;
  /** Told before each reconciliation, e.g. to log it. */
  onPossiblyApplied?: ((error: unknown, attempt: 1 | 2) => void) | undefined;
}

/**
 * Runs a publish so that at most one version results even when answers are lost.
 * @returns the published value and how it was established.
 * @throws the send's error when it cannot have been applied, what `reconcile` throws, or the
 *   second send's error when the vendor still shows nothing applied.
 */
export async function publishExactlyOnce<T>(
  steps: PublishOnceSteps<T>,
): Promise<{ value: T; how: PublishedHow }> {
  try {
    return { value: await steps.send(1), how: 'direct' };
  } catch (first) {
    if (!steps.mayHaveApplied(first, 1)) throw first;
    steps.onPossiblyApplied?.(first, 1);
    const seen = await steps.reconcile(first, 1);
    if (seen.kind === 'applied') return { value: seen.value, how: 'reconciled' };
    try {
      return { value: await steps.send(2), how: 'resent' };
    } catch (second) {
      if (!steps.mayHaveApplied(second, 2)) throw second;
      steps.onPossiblyApplied?.(second, 2);
      const again = await steps.reconcile(second, 2);
      if (again.kind === 'applied') return { value: again.value, how: 'reconciled' };
      throw second;
    }
  }
}
