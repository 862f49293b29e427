import type { LedgerEntry, ReleaseLedger } from '@agent-release/core';
import { type DemoScenarios, type DemoTenant, printTable } from './demo-scenarios.js';
import { bold, dim, line } from './demo-screen.js';
import { touchedFields } from './history-entry.js';

/**
 * The rollback chapter for one tenant: release a second change, roll back to the previous
 * configuration through the service, check on the emulator that the first change is live again,
 * and print the agent's history as the SQLite ledger recorded it.
 *
 * `first` is the prompt the tenant's earlier scenarios made live.
 */
export async function rollbackChapter(
  scenarios: DemoScenarios,
  ledger: ReleaseLedger,
  tenant: DemoTenant,
  first: string,
): Promise<void> {
  line();
  line(bold(`Rollback on ${tenant.provider}`) + dim(` — ${rollbackWay(tenant.provider)}`));
  const second = `${first} (second change, to be rolled back)`;
  await scenarios.post(
    tenant,
    'releases',
    'release a second change',
    { changes: { instructions: second }, label: 'second change' },
    (s, j) => s === 201 && j.status === 'released' && j.version?.isActive === true,
    'demo-release-bot',
  );
  await scenarios.post(
    tenant,
    'rollbacks',
    'roll back to the previous configuration',
    { to: 'previous' },
    (s, j) => s === 200 && j.status === 'rolled-back',
    'oncall-alice',
  );

  if (tenant.livePrompt) {
    const live = tenant.livePrompt();
    scenarios.check(
      tenant,
      'the first change is live again (emulator)',
      live === first,
      live === first ? 'first prompt live' : `live prompt is ${JSON.stringify(live?.slice(0, 60))}`,
    );
  }

  const entries = await ledger.history({ agentId: tenant.agentId, tenant: tenant.id, limit: 20 });
  line();
  line(bold(`   History of ${tenant.id}'s agent ${tenant.agentId}`) + dim(' (SQLite ledger, newest first)'));
  printTable(
    ['time', 'kind', 'outcome', 'version before → after', 'actor', 'fields', 'prompt after'],
    entries.map((e) => historyRow(e, entries)),
  );
  const [rolledBack, release] = entries;
  // A restore that makes a new head (Atoms v2) records neither the values it brought back nor a
  // version id a release made live, so the ledger cannot tell what it restored: say so rather
  // than guess. A wrong answer still fails; the emulator check above covers what is live.
  const restored = rolledBack && promptAfter(rolledBack, entries);
  if (rolledBack && restored === undefined) {
    line(dim('   note: the rollback entry does not record which configuration it restored (no snapshot,'));
    line(
      dim(
        `         and version ${rolledBack.versionAfter ?? '—'} is new), so "prompt after" is unknown here.`,
      ),
    );
  }
  const recorded =
    rolledBack?.kind === 'rollback' &&
    rolledBack.outcome === 'rolled-back' &&
    rolledBack.actor === 'oncall-alice' &&
    promptBefore(rolledBack, entries) === second &&
    (restored === undefined || restored === first) &&
    release?.kind === 'release' &&
    release.outcome === 'released' &&
    release.snapshotAfter?.instructions === second;
  scenarios.check(
    tenant,
    'the ledger recorded the release and the rollback',
    recorded,
    recorded ? `${entries.length} entries` : `${entries.length} entries, not as expected`,
  );
}

function rollbackWay(provider: string): string {
  return provider === 'langdock'
    ? 'Langdock keeps no restorable history: the rollback re-publishes the values the ledger recorded'
    : 'the earlier version goes live again (v1: re-activated; v2: restored as a new head)';
}

// The tail: Atoms ids begin with a timestamp, so their heads look alike.
const shortId = (id: string | undefined) =>
  id === undefined ? '—' : id.length > 10 ? `…${id.slice(-6)}` : id;
const clip = (text: string | undefined, n = 44) =>
  text === undefined ? '—' : text.length > n ? `…${text.slice(text.length - n + 1)}` : text;

/**
 * The prompt an entry left live: its own snapshot, or (a rollback that re-activated a version,
 * which records no new values) the snapshot of the release that first made that version live.
 */
function promptAfter(entry: LedgerEntry, entries: readonly LedgerEntry[]): string | undefined {
  if (entry.snapshotAfter?.instructions !== undefined) return entry.snapshotAfter.instructions;
  if (entry.kind !== 'rollback' || entry.versionAfter === undefined) return undefined;
  return entries.find((e) => e.outcome === 'released' && e.versionAfter === entry.versionAfter)?.snapshotAfter
    ?.instructions;
}

/** The prompt an entry found live: its own snapshot, or the one of the release that made that version live. */
function promptBefore(entry: LedgerEntry, entries: readonly LedgerEntry[]): string | undefined {
  if (entry.snapshotBefore?.instructions !== undefined) return entry.snapshotBefore.instructions;
  if (entry.versionBefore === undefined) return undefined;
  return entries.find((e) => e.outcome === 'released' && e.versionAfter === entry.versionBefore)
    ?.snapshotAfter?.instructions;
}

function historyRow(entry: LedgerEntry, entries: readonly LedgerEntry[]): string[] {
  return [
    entry.startedAt.slice(11, 23),
    entry.kind,
    entry.errorCode ? `${entry.outcome} (${entry.errorCode})` : entry.outcome,
    `${shortId(entry.versionBefore)} → ${shortId(entry.versionAfter)}`,
    entry.actor ?? '—',
    touchedFields(entry.snapshotBefore, entry.snapshotAfter).join(', ') || '—',
    clip(promptAfter(entry, entries)),
  ];
}
