import type { RequestLogEntry } from './types.js';

type PendingEntry = Omit<RequestLogEntry, 'status'> & { status?: RequestLogEntry['status'] };

/**
 * Arrival-ordered request log. An entry is visible once its outcome is known, so tests never
 * see a half-finished request, yet concurrent requests keep the order in which they arrived.
 */
export class RequestLog {
  private entries: PendingEntry[] = [];

  /** Records an arrival; call `settle` on the result once the outcome is known. */
  begin(entry: Omit<RequestLogEntry, 'status'>): { settle(status: RequestLogEntry['status']): void } {
    const pending: PendingEntry = { ...entry };
    this.entries.push(pending);
    return {
      settle(status) {
        pending.status = status;
      },
    };
  }

  /** Settled entries, deep-copied so callers cannot change the log. */
  snapshot(): RequestLogEntry[] {
    return this.entries
      .filter((e): e is RequestLogEntry => e.status !== undefined)
      .map((e) => structuredClone(e));
  }

  clear(): void {
    this.entries = [];
  }
}
