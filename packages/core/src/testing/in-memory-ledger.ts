import type {
  LedgerEntry,
  LedgerEntryFinish,
  LedgerEntryStart,
  LedgerHistoryQuery,
  ReleaseLedger,
} from '../ledger.js';

/**
 * A {@link ReleaseLedger} kept in memory, for tests of code that records releases. Entries are
 * deep-copied in and out, as a real store would, so a test cannot pass by sharing objects.
 */
export class InMemoryLedger implements ReleaseLedger {
  readonly #entries: LedgerEntry[] = [];
  #next = 1;
  /** Makes the next `begin` or `finish` calls throw, to test how callers handle a broken store. */
  failWrites = false;

  async begin(start: LedgerEntryStart): Promise<LedgerEntry> {
    this.#check();
    const entry: LedgerEntry = {
      ...copy(start),
      id: String(this.#next++).padStart(12, '0'),
      outcome: 'running',
      steps: [],
    };
    this.#entries.push(entry);
    return copy(entry);
  }

  async finish(id: string, finish: LedgerEntryFinish): Promise<LedgerEntry> {
    this.#check();
    const entry = this.#entries.find((e) => e.id === id);
    if (!entry) throw new Error(`ledger entry ${id} not found`);
    // As the real stores: an attempt is finished exactly once.
    if (entry.outcome !== 'running') throw new Error(`ledger entry ${id} is already finished`);
    const { snapshotAfter, ...rest } = copy(finish);
    Object.assign(entry, rest, snapshotAfter === undefined ? {} : { snapshotAfter });
    return copy(entry);
  }

  async get(id: string): Promise<LedgerEntry | null> {
    const entry = this.#entries.find((e) => e.id === id);
    return entry ? copy(entry) : null;
  }

  async history(query: LedgerHistoryQuery): Promise<LedgerEntry[]> {
    return this.#entries
      .filter(
        (e) =>
          e.agentId === query.agentId &&
          (query.provider === undefined || e.provider === query.provider) &&
          (query.tenant === undefined || e.tenant === query.tenant) &&
          (query.rolloutId === undefined || e.rolloutId === query.rolloutId),
      )
      .reverse()
      .slice(0, Math.min(query.limit ?? 50, 1000))
      .map(copy);
  }

  async lastMadeLive(query: {
    provider: string;
    agentId: string;
    versionId: string;
  }): Promise<LedgerEntry | null> {
    const found = (
      await this.history({ agentId: query.agentId, provider: query.provider, limit: 1000 })
    ).find(
      (e) => (e.outcome === 'released' || e.outcome === 'rolled-back') && e.versionAfter === query.versionId,
    );
    return found ?? null;
  }

  async close(): Promise<void> {}

  #check(): void {
    if (this.failWrites) throw new Error('ledger store unavailable');
  }
}

function copy<T>(value: T): T {
  return structuredClone(value);
}
