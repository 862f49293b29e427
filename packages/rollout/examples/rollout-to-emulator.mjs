// Rolls one change out to 30 Langdock agents of 3 tenants on the local emulator, in waves, with
// live progress; then a second change that fails on some agents is halted by its failure budget
// and rolled back: the agents it reached run their earlier model again.
// Run after `pnpm -r build`:  node packages/rollout/examples/rollout-to-emulator.mjs
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import { InMemoryLedger } from '@agent-release/core/testing';
import { startLangdockEmulator } from '@agent-release/emulator';
import { createInProcessEngine } from '@agent-release/rollout';

const keys = { acme: 'sk_acme_0001', globex: 'sk_globex_0002', initech: 'sk_initech_0003' };
const langdock = await startLangdockEmulator({ apiKeys: Object.values(keys), latencyMs: 5 });
try {
  const targets = Object.keys(keys).flatMap((tenant) =>
    Array.from({ length: 10 }, (_, i) => ({
      tenant,
      agentId: langdock.state.createAgent({
        name: `${tenant}-${i}`,
        instruction: 'Be helpful.',
        publish: true,
      }),
    })),
  );
  // In production: (tenant) => tenantReleasers.get(tenant), and a SQLite/PostgreSQL ledger.
  const releasers = new Map();
  const resolveReleaser = async (tenant) => {
    if (!releasers.has(tenant)) {
      releasers.set(tenant, createLangdockReleaser({ apiKey: keys[tenant], baseUrl: langdock.baseUrl }));
    }
    return releasers.get(tenant);
  };
  const engine = createInProcessEngine({
    resolveReleaser,
    ledger: new InMemoryLedger(),
    concurrency: 6,
    rateLimit: { points: 20, durationMs: 1000 }, // per API key: tenants sharing a key share it
    rateKeyOf: (tenant) => keys[tenant], // hashed before use, never stored or printed
  });

  const show = (run) =>
    run.on((event) => {
      if (event.type !== 'progress') return;
      const { totals, ratePerSec, etaMs, wave, waves } = event.progress;
      process.stdout.write(
        `\r  wave ${wave + 1}/${waves.length}  done ${totals.done}  failed ${totals.failed}  remaining ${totals.remaining}  ${ratePerSec.toFixed(1)}/s  eta ${etaMs === undefined ? '?' : `${(etaMs / 1000).toFixed(1)}s`}   `,
      );
    });

  console.log('rollout 1: a prompt fix, canary 10 % then the rest');
  const good = engine.start({
    id: 'billing-prompt-v2',
    changes: { instructions: 'Answer billing questions in two sentences or fewer.' },
    targets,
    waves: [{ name: 'canary', share: 0.1 }],
  });
  show(good);
  const first = await good.done;
  console.log(
    `\n  ${first.status}: ${first.progress.totals.done} released, ${first.progress.totals.failed} failed`,
  );

  // Some agents are no longer shared with the tenants' keys: their releases fail with 403.
  for (const { agentId } of targets.slice(5, 9)) langdock.state.forbidAgent(agentId);
  const modelBefore = new Map(
    targets.map(({ agentId }) => [agentId, langdock.state.activeVersion(agentId)?.config.model]),
  );
  console.log('rollout 2: a change that fails on some agents, failure budget 2, rollback on halt');
  const bad = engine.start({
    id: 'model-switch',
    changes: { model: 'gpt-4o-mini' },
    targets,
    waves: [
      { name: 'canary', count: 3 },
      { name: 'batch', count: 9 },
    ],
    failureBudget: { maxFailures: 2 },
    // Langdock keeps no old versions: the rollback re-publishes what the ledger recorded before.
    rollbackOnHalt: true,
  });
  show(bad);
  const second = await bad.done;
  console.log(`\n  ${second.status}: ${second.haltReason}`);
  console.table(
    second.results.map((r) => ({
      tenant: r.tenant,
      agent: r.agentId.slice(0, 10),
      outcome: r.outcome,
      error: r.error?.code ?? '',
    })),
  );
  const rolledBack = second.rollbacks.filter((r) => r.outcome === 'rolled-back').length;
  console.log(`  rolled back ${rolledBack} agents`);
  const notBack = targets.filter(
    ({ agentId }) => langdock.state.activeVersion(agentId)?.config.model !== modelBefore.get(agentId),
  );
  if (notBack.length > 0) throw new Error(`${notBack.length} agents still run the halted change's model`);
  console.log('  every agent runs its earlier model again (checked on the emulator)');
  const untouched = targets.length - second.results.length;
  console.log(`  ${untouched} agents were never started; running the same plan again resumes it.`);
} finally {
  await langdock.close();
}
