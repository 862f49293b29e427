// One release per vendor against the embedded emulators, no DI, then a rollback and the history
// from a SQLite ledger. Run: `pnpm quickstart`.
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import { release, rollback } from '@agent-release/core';
import { startAtomsEmulator, startLangdockEmulator } from '@agent-release/emulator';
import { createSqliteLedger } from '@agent-release/ledger';

const atoms = await startAtomsEmulator({ securityCheck: { durationMs: 1500 } });
const langdock = await startLangdockEmulator();
// Every attempt is recorded here; a file path instead of ':memory:' keeps it across restarts.
const ledger = await createSqliteLedger({ path: ':memory:' });
try {
  // Agents that already have a live version (in production: your existing agents).
  const voiceAgent = atoms.state.createAgent({ name: 'Support line', prompt: 'Be brief.' });
  const chatAgent = langdock.state.createAgent({
    name: 'Research bot',
    instruction: 'Be brief.',
    publish: true,
  });

  // The same calls for both vendors: only the factory differs.
  const releasers = [
    [createAtomsReleaser({ apiKey: atoms.apiKey, baseUrl: atoms.baseUrl }), voiceAgent],
    [createLangdockReleaser({ apiKey: langdock.apiKey, baseUrl: langdock.baseUrl }), chatAgent],
  ] as const;
  for (const [releaser, agentId] of releasers) {
    const opts = { ledger, actor: 'quickstart' };
    const result = await release(
      releaser,
      agentId,
      { instructions: 'Be brief and cite sources.' },
      {
        ...opts,
        observer: (e) =>
          e.type === 'step-end' && console.log(`  ${releaser.provider} ${e.step.name}: ${e.step.detail}`),
      },
    );
    console.log(
      `${releaser.provider}: ${result.status} v${result.version?.number}, live=${result.version?.isActive}`,
    );
    const again = await release(releaser, agentId, { instructions: 'Be brief and cite sources.' }, opts);
    console.log(`${releaser.provider}: same change again → ${again.status}`);

    // Back to what was live before: Atoms re-activates it, Langdock re-publishes what the ledger recorded.
    const back = await rollback(releaser, agentId, { to: 'previous' }, opts);
    console.log(`${releaser.provider}: rollback → ${back.status}, live ${back.version?.id}`);
    for (const e of await ledger.history({ agentId })) {
      console.log(
        `  ${e.startedAt} ${e.kind} ${e.outcome} by ${e.actor}, live after: ${e.versionAfter ?? '—'}`,
      );
    }
  }
} finally {
  await ledger.close();
  await atoms.close();
  await langdock.close();
}
