/**
 * `pnpm bench`: runs every benchmark, prints the tables and the target verdicts, and writes
 * `bench/results.json`.
 *
 *   node dist/run.js                    everything, full run counts (~4–5 min on 2 cores)
 *   node dist/run.js --only=ttl,fleet   a subset: ttl, requests, overhead, fleet, cold, rollout,
 *                                       import, v1live, rollback
 *   BENCH_BEFORE_ROOT=/tmp/old ...      import and v1live also measure that checkout (an older
 *                                       commit, installed and built) for before/after figures
 *   BENCH_QUICK=1 node dist/run.js      fewer runs and a smaller fleet (a smoke run, not for docs)
 *   BENCH_FLEET_CHECK_MS=6000 ...       the fleet with a real Atoms security-check duration
 *
 * `rollback` needs PostgreSQL (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test).
 * `rollout` (fleet rollouts with 1, 2 and 4 worker processes; ~15 min of the full run on 2 cores)
 * needs Redis and PostgreSQL on 127.0.0.1.
 *
 * Benchmarks run one after another, never concurrently, so none steals CPU from another.
 * A failing benchmark is reported and the others still run; the exit code is then 1.
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type AtomsV1LiveResult, measureAtomsV1Live } from './atoms-v1-live.js';
import { measureClientOverhead } from './client-overhead.js';
import { measureColdStart } from './cold-start.js';
import { measureCoreImport } from './core-import.js';
import { measureFleet } from './fleet.js';
import { runInCheckout } from './in-checkout.js';
import { type BenchResults, machine, render, verdicts, writeResults } from './report.js';
import { measureRequestsPerRelease } from './requests-per-release.js';
import { measureRollbackAndLedger } from './rollback-ledger.js';
import { measureRollout } from './rollout.js';
import { nowMs } from './stats.js';
import { measureTimeToLive } from './time-to-live.js';

const ALL = [
  'ttl',
  'requests',
  'overhead',
  'fleet',
  'cold',
  'rollout',
  'import',
  'v1live',
  'rollback',
] as const;
type Section = (typeof ALL)[number];

function parseArgs(argv: string[]): { only: Set<Section>; quick: boolean } {
  const quick = argv.includes('--quick') || ['1', 'true'].includes(process.env.BENCH_QUICK ?? '');
  const onlyArg =
    argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? process.env.BENCH_ONLY;
  const only = new Set<Section>();
  for (const name of (onlyArg ?? ALL.join(','))
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (!(ALL as readonly string[]).includes(name)) {
      throw new Error(`Unknown benchmark "${name}"; choose from ${ALL.join(', ')}`);
    }
    only.add(name as Section);
  }
  return { only, quick };
}

const { only, quick } = parseArgs(process.argv.slice(2));

// Run counts, stated in the report next to each table.
const plan = quick
  ? {
      ttl: { checkMs: [1000, 3000, 6000, 9000], runs: 1 },
      requests: { runs: 2, checkMs: 6000 },
      overhead: { calls: 500, warmup: 100, rounds: 1 },
      fleet: { agents: 200, tenants: 20 },
      cold: { samples: 3, memorySamples: 1, tenants: 1000 },
      rollout: { agents: 400, tenants: 20 },
      import: { samples: 5 },
      v1live: { checkMs: 6000, runs: 6, parallel: 3 },
      rollback: { rollbackRuns: 3, parallel: 3, checkMs: 6000, ledgerReleases: 20 },
    }
  : {
      ttl: { checkMs: [1000, 3000, 6000, 9000], runs: 5 },
      requests: { runs: 5, checkMs: 6000 },
      overhead: { calls: 2000, warmup: 300, rounds: 5 },
      fleet: { agents: 1000, tenants: 100 },
      cold: { samples: 7, memorySamples: 3, tenants: 1000 },
      rollout: { agents: 10_000, tenants: 500 },
      import: { samples: 11 },
      v1live: { checkMs: 6000, runs: 20, parallel: 5 },
      rollback: { rollbackRuns: 10, parallel: 5, checkMs: 6000, ledgerReleases: 100 },
    };

const startedAt = new Date().toISOString();
const t0 = nowMs();
const results: Omit<BenchResults, 'targets' | 'durationS'> = {
  startedAt,
  quick,
  machine: machine(),
  runCounts: {
    timeToLive: `${plan.ttl.runs} run(s) per check duration, library and recipe side by side, median (min–max)`,
    requests: `${plan.requests.runs} releases per vendor, median (min–max)`,
    overhead: `${plan.overhead.calls} calls × ${plan.overhead.rounds} round(s) after ${plan.overhead.warmup} warm-up calls, median of per-round ratios`,
    fleet: `1 run of ${plan.fleet.agents} releases`,
    coldStart: `${plan.cold.samples} cold samples after 1 discarded, ${plan.cold.memorySamples} memory sample(s)`,
    rollout: `1 run of ${plan.rollout.agents} agents per worker count (1, 2, 4)`,
    coreImport: `${plan.import.samples} fresh processes after 1 discarded, plus 1 with a resolve hook`,
    atomsV1Live: `${plan.v1live.runs} releases, ${plan.v1live.parallel} at a time, ${plan.v1live.checkMs / 1000} s check`,
    rollbackLedger: `${plan.rollback.rollbackRuns} rollbacks per vendor (${plan.rollback.parallel} at a time, ${plan.rollback.checkMs / 1000} s Atoms check); ${plan.rollback.ledgerReleases} releases per ledger store`,
  },
};
let failed = false;

async function section<T>(name: Section, title: string, measure: () => Promise<T>): Promise<T | undefined> {
  if (!only.has(name)) return undefined;
  const started = nowMs();
  process.stderr.write(`[bench] ${title} ...\n`);
  try {
    const value = await measure();
    process.stderr.write(`[bench] ${title} done in ${Math.round((nowMs() - started) / 1000)} s\n`);
    return value;
  } catch (error) {
    failed = true;
    process.stderr.write(
      `[bench] ${title} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return undefined;
  }
}

results.timeToLive = await section('ttl', 'time to live', () => measureTimeToLive(plan.ttl));
results.requests = await section('requests', 'requests per release', () =>
  measureRequestsPerRelease(plan.requests),
);
results.overhead = await section('overhead', 'client overhead', () => measureClientOverhead(plan.overhead));
results.fleet = await section('fleet', 'fleet', () =>
  measureFleet({
    ...plan.fleet,
    concurrency: 32,
    requestsPerSecondPerKey: 100,
    latencyMs: 20,
    checkMs: Number(process.env.BENCH_FLEET_CHECK_MS ?? 0),
  }),
);
results.coldStart = await section('cold', 'cold start and memory', () => measureColdStart(plan.cold));
results.rollout = await section('rollout', 'fleet rollouts (1, 2, 4 worker processes)', () =>
  measureRollout({
    ...plan.rollout,
    workers: [1, 2, 4],
    latencyMs: 20,
    requestsPerSecondPerKey: 10,
    concurrencyPerWorker: 64,
  }),
);

const beforeRoot = process.env.BENCH_BEFORE_ROOT;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
results.coreImport = await section('import', 'import core alone', async () => ({
  after: await measureCoreImport({ root: repoRoot, samples: plan.import.samples }),
  before: beforeRoot
    ? await measureCoreImport({ root: beforeRoot, samples: plan.import.samples })
    : undefined,
  beforeRoot,
}));
results.atomsV1Live = await section('v1live', 'atoms v1 time to live', async () => ({
  after: await measureAtomsV1Live(plan.v1live),
  before: beforeRoot
    ? await runInCheckout<AtomsV1LiveResult>(
        beforeRoot,
        'atoms-v1-live.js',
        'measureAtomsV1Live',
        plan.v1live,
      )
    : undefined,
  beforeRoot,
}));
results.rollbackLedger = await section('rollback', 'rollback per vendor and ledger cost', () =>
  measureRollbackAndLedger({
    ...plan.rollback,
    postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  }),
);

results.machine.loadAverage.end = Math.round((loadavg()[0] ?? 0) * 100) / 100;
const complete: BenchResults = {
  ...results,
  durationS: (nowMs() - t0) / 1000,
  targets: verdicts(results),
};
process.stdout.write(render(complete));
const path = writeResults(complete);
process.stdout.write(`\nresults written to ${path}\n`);
if (failed) process.exitCode = 1;
