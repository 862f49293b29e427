import { randomUUID } from 'node:crypto';
import type { LedgerEntryFinish, LedgerEntryStart } from '@agent-release/core';

// Builders the conformance suites share: each test works on agents of its own.

/** A fresh agent id, so tests sharing one database never see each other's entries. */
export function agent(): string {
  return `agent-${randomUUID()}`;
}

/** The ids of entries, in order. */
export function ids(entries: { id: string }[]): string[] {
  return entries.map((e) => e.id);
}

/** A valid start of a release of `agentId`, with `extra` fields over it. */
export function startOf(agentId: string, extra: Partial<LedgerEntryStart> = {}): LedgerEntryStart {
  return { kind: 'release', provider: 'atoms', agentId, startedAt: '2026-01-01T00:00:00.000Z', ...extra };
}

/** A valid finish with `outcome`, with `extra` fields over it. */
export function finishOf(
  outcome: LedgerEntryFinish['outcome'],
  extra: Partial<LedgerEntryFinish> = {},
): LedgerEntryFinish {
  return { outcome, steps: [], finishedAt: '2026-01-01T00:00:01.000Z', ...extra };
}
