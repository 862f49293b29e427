// Records two releases of an agent in a SQLite ledger, reads the history back after a restart,
// diffs the two entries and takes the release lease.
// Run after `pnpm -r build`:  node packages/ledger/examples/ledger-basics.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteLedger, diffEntries } from '@agent-release/ledger';

const dir = mkdtempSync(join(tmpdir(), 'ledger-example-'));
const path = join(dir, 'releases.db');
try {
  let ledger = await createSqliteLedger({ path });
  const agentId = 'support-bot';
  for (const [before, after, version] of [
    ['Be helpful.', 'Answer billing questions.', 'v2'],
    ['Answer billing questions.', 'Answer billing questions in two sentences.', 'v3'],
  ]) {
    const entry = await ledger.begin({
      kind: 'release',
      provider: 'langdock',
      agentId,
      tenant: 'acme',
      actor: 'alice',
      snapshotBefore: { instructions: before },
      snapshotAfter: { instructions: after },
      startedAt: new Date().toISOString(),
    });
    await ledger.finish(entry.id, {
      outcome: 'released',
      versionAfter: version,
      steps: [],
      finishedAt: new Date().toISOString(),
    });
  }
  await ledger.close();

  // A restarted process opens the same file and sees everything.
  ledger = await createSqliteLedger({ path });
  const history = await ledger.history({ agentId, tenant: 'acme' });
  for (const entry of history) console.log(`${entry.versionAfter} ${entry.outcome} by ${entry.actor}`);
  const [newest, previous] = history;
  for (const change of diffEntries(previous, newest)) {
    console.log(`${change.path}: "${change.before}" -> "${change.after}"`);
  }
  const v2 = await ledger.lastMadeLive({ provider: 'langdock', agentId, versionId: 'v2' });
  console.log('v2 went live with:', v2?.snapshotAfter?.instructions);

  // One release per agent at a time, across every process that opens this file.
  const lease = await ledger.lock.acquire({ provider: 'langdock', agentId });
  console.log('lease held:', !lease.lost.aborted);
  await lease.release();
  await ledger.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
