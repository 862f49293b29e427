/**
 * Fleet rollout demo on the emulators: 240 agents of 6 tenants on both vendors, live progress, a
 * summary per tenant; then a bad change that one tenant's security check rejects halts after its
 * canary and rolls the released agents back.
 *
 *   pnpm demo:fleet
 *
 * It checks what it shows on the emulators (every agent carries the fix in exactly one version,
 * the halted change is rolled back everywhere it landed) and exits 1 when something is off, so CI
 * can run it.
 */
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import type { AgentReleaser } from '@agent-release/core';
import { InMemoryLedger } from '@agent-release/core/testing';
import { startAtomsEmulator, startLangdockEmulator } from '@agent-release/emulator';
import { createInProcessEngine, type RolloutRun, type RolloutSummary } from '@agent-release/rollout';

const AGENTS = 40;
const tenants = [
  { id: 'acme', provider: 'atoms', key: 'sk_demo_acme_01' },
  { id: 'globex', provider: 'atoms', key: 'sk_demo_globex_02' },
  { id: 'strict-corp', provider: 'atoms', key: 'sk_demo_strict_03' },
  { id: 'initech', provider: 'langdock', key: 'sk_demo_initech_04' },
  { id: 'umbrella', provider: 'langdock', key: 'sk_demo_umbrella_05' },
  { id: 'hooli', provider: 'langdock', key: 'sk_demo_hooli_06' },
] as const;
const strictAgents = new Set<string>();
const atoms = await startAtomsEmulator({
  apiKeys: tenants.filter((t) => t.provider === 'atoms').map((t) => t.key),
  latencyMs: 10,
  // strict-corp's security check rejects any prompt that hands out discount codes.
  securityCheck: {
    durationMs: 200,
    outcome: (v) =>
      strictAgents.has(v.agentId) && JSON.stringify(v.config).includes('discount code') ? 'failed' : 'passed',
  },
});
const langdock = await startLangdockEmulator({
  apiKeys: tenants.filter((t) => t.provider === 'langdock').map((t) => t.key),
  latencyMs: 10,
});
try {
  const targets = tenants.flatMap((t) =>
    Array.from({ length: AGENTS }, (_, i) => {
      const agentId =
        t.provider === 'atoms'
          ? atoms.state.createAgent({ name: `${t.id}-${i}`, prompt: 'Be helpful.' })
          : langdock.state.createAgent({ name: `${t.id}-${i}`, instruction: 'Be helpful.', publish: true });
      if (t.id === 'strict-corp') strictAgents.add(agentId);
      return { tenant: t.id, agentId };
    }),
  );
  const releasers = new Map<string, AgentReleaser>();
  const resolveReleaser = async (tenant: string): Promise<AgentReleaser> => {
    const t = tenants.find((x) => x.id === tenant);
    if (!t) throw new Error(`unknown tenant ${tenant}`);
    const releaser =
      releasers.get(tenant) ??
      (t.provider === 'atoms'
        ? (createAtomsReleaser({ apiKey: t.key, baseUrl: atoms.baseUrl }) as unknown as AgentReleaser)
        : createLangdockReleaser({ apiKey: t.key, baseUrl: langdock.baseUrl }));
    releasers.set(tenant, releaser);
    return releaser;
  };
  const engine = createInProcessEngine({
    resolveReleaser,
    ledger: new InMemoryLedger(),
    concurrency: 24,
    rateLimit: { points: 40, durationMs: 1000 },
    rateKeyOf: (tenant) => tenants.find((t) => t.id === tenant)?.key ?? tenant,
  });

  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const livePrompt = (t: { tenant: string; agentId: string }) =>
    tenantOf(t.tenant).provider === 'atoms'
      ? atoms.state.activeVersion(t.agentId)?.config.singlePromptConfig?.prompt
      : langdock.state.activeVersion(t.agentId)?.config.instruction;
  const versionsWith = (t: { tenant: string; agentId: string }, prompt: string) =>
    tenantOf(t.tenant).provider === 'atoms'
      ? atoms.state.versions(t.agentId).filter((v) => v.config.singlePromptConfig?.prompt === prompt).length
      : langdock.state.versions(t.agentId).filter((v) => v.config.instruction === prompt).length;

  const fix = 'Greet the caller by name and keep answers short.';
  console.log(`\n1. A prompt fix to ${targets.length} agents: canary 5 %, then half, then the rest`);
  const first = await watch(
    engine.start({
      id: 'greeting-fix',
      changes: { instructions: fix },
      targets,
      waves: [
        { name: 'canary', share: 0.05 },
        { name: 'half', share: 0.5 },
      ],
    }),
  );
  table(first);
  check(first.status === 'completed', `the prompt fix ended ${first.status}, not completed`);
  const withoutFix = targets.filter((t) => livePrompt(t) !== fix).length;
  check(withoutFix === 0, `${withoutFix} agents do not run the prompt fix`);
  const doubled = targets.filter((t) => versionsWith(t, fix) !== 1).length;
  check(doubled === 0, `${doubled} agents have the prompt fix in more or fewer than one version`);

  // The canary on both vendors (acme and initech agents in turn), then strict-corp, so the bad
  // change meets its security check early and the rollback undoes it on both vendors: Atoms
  // re-activates the earlier version, Langdock re-publishes the configuration the ledger recorded.
  const canaryTargets = [0, 1, 2, 3, 4, 5].flatMap((i) =>
    ['acme', 'initech'].map(
      (tenant) => targets.filter((t) => t.tenant === tenant)[i] as (typeof targets)[number],
    ),
  );
  const ordered = [
    ...canaryTargets,
    ...targets.filter((t) => t.tenant === 'strict-corp'),
    ...targets.filter((t) => t.tenant !== 'strict-corp' && !canaryTargets.includes(t)),
  ];
  console.log('\n2. A bad change (discount codes in the prompt): failure budget 3, rollback on halt');
  const second = await watch(
    engine.start({
      id: 'discount-prompt',
      changes: { instructions: 'Offer every caller the discount code SAVE20.' },
      targets: ordered,
      waves: [
        { name: 'canary', count: 12 },
        { name: 'batch', count: 60 },
      ],
      failureBudget: { maxFailures: 3 },
      rollbackOnHalt: true,
    }),
  );
  console.log(`   ${second.haltReason}`);
  table(second);
  const canary = ordered.slice(0, 12).map(livePrompt);
  console.log(`   canary agents live prompt now: "${[...new Set(canary)].join('", "')}"`);
  check(second.status === 'halted', `the bad change ended ${second.status}, not halted`);
  check(second.rollbacks.length > 0, 'the halted change rolled nothing back');
  const notRolledBack = second.rollbacks.filter((r) => r.outcome !== 'rolled-back').length;
  check(notRolledBack === 0, `${notRolledBack} rollbacks did not roll back`);
  const stillBad = targets.filter((t) => livePrompt(t) !== fix).length;
  check(stillBad === 0, `${stillBad} agents do not run the prompt fix after the rollback`);
  const notRun = ordered
    .slice(72)
    .filter((t) => versionsWith(t, 'Offer every caller the discount code SAVE20.') > 0);
  check(notRun.length === 0, `${notRun.length} agents after the halted waves got the bad change`);

  if (problems.length > 0) {
    console.error(`\nThe demo misbehaved:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log(
      '\nChecked on the emulators: every agent runs the fix in exactly one version; the bad change is rolled back.',
    );
  }
} finally {
  await atoms.close();
  await langdock.close();
}

function tenantOf(id: string): (typeof tenants)[number] {
  const t = tenants.find((x) => x.id === id);
  if (!t) throw new Error(`unknown tenant ${id}`);
  return t;
}

async function watch(run: RolloutRun): Promise<RolloutSummary> {
  run.on((e) => {
    if (e.type !== 'progress') return;
    const p = e.progress;
    const w = p.waves[p.wave];
    const bar = '#'
      .repeat(Math.round(((p.totals.total - p.totals.remaining) / p.totals.total) * 30))
      .padEnd(30, '.');
    process.stdout.write(
      `\r   [${bar}] ${p.state.padEnd(12)} wave ${w?.name ?? ''} · done ${p.totals.done} · failed ${p.totals.failed} · rolled back ${p.totals.rolledBack} · ${p.ratePerSec.toFixed(0)}/s · eta ${p.etaMs === undefined ? '?' : `${(p.etaMs / 1000).toFixed(0)}s`}   `,
    );
  });
  const summary = await run.done;
  process.stdout.write(`\n   ${summary.status} in ${(summary.progress.elapsedMs / 1000).toFixed(1)} s\n`);
  return summary;
}

function table(summary: RolloutSummary): void {
  const count = (tenant: string, outcomes: string[], from: { tenant: string; outcome: string }[]) =>
    from.filter((r) => r.tenant === tenant && outcomes.includes(r.outcome)).length;
  const rows = tenants.map((t) => ({
    tenant: t.id,
    provider: t.provider,
    released: count(t.id, ['released'], summary.results),
    unchanged: count(t.id, ['unchanged'], summary.results),
    failed: count(t.id, ['failed'], summary.results),
    'not run': AGENTS - summary.results.filter((r) => r.tenant === t.id).length,
    'rolled back': count(t.id, ['rolled-back'], summary.rollbacks),
  }));
  console.table(rows);
}
