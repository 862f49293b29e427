/**
 * Rollout throughput bench: N agents across T tenants of both vendors on the emulators (latency and
 * a per-key rate limit), released by W worker processes through the BullMQ engine, which share a
 * PostgreSQL ledger (`@agent-release/ledger`, one schema per run, dropped after) and its lease.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.dev.json node --import tsx packages/rollout/bench/rollout-bench.ts \
 *     --workers 2 --agents 10000 --tenants 500 [--latency 20] [--rps 10] [--permits 7] [--concurrency 64]
 *     [--out bench/results.json]
 *
 * Prints one `rollout.runs[]` record and, with --out, merges it into that JSON file. Needs Redis and PostgreSQL.
 * Counted: requests the vendors served (< 400). Two ceilings are reported:
 * - the binding ceiling (`bindingCeilingReqPerSec`, `fraction`): the lower of the per-key
 *   rate limits summed over the keys in play (keys × rps) and the concurrency ceiling (each
 *   in-flight release sends one request per `latency` ms: workers × concurrency × 1000 / latency);
 * - the work-weighted rate ceiling (`workWeighted`): no run can end before its busiest key has
 *   sent its requests at `rps`, so served / that time is the fastest any engine could go. An
 *   Atoms release sends several times the requests of a Langdock one, so the Atoms keys bind and
 *   the Langdock keys idle once their agents are done: keys × rps is not reachable with this mix.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startAtomsEmulator, startLangdockEmulator } from '@agent-release/emulator';
import type { RolloutPlan } from '@agent-release/rollout';
import { createBullmqEngine } from '@agent-release/rollout/bullmq';
import { dropSchema, uniqueSchema } from '../test/support/postgres.js';
import { deleteKeys, REDIS, uniquePrefix } from '../test/support/redis.js';
import { openSharedLedger } from '../test/support/shared-ledger.js';
import { type SpawnedWorker, spawnWorker, stopWorker } from '../test/support/spawn-worker.js';
import type { WorkerProcessConfig } from '../test/support/worker-process.js';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '1' },
    agents: { type: 'string', default: '10000' },
    tenants: { type: 'string', default: '500' },
    latency: { type: 'string', default: '20' },
    rps: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '64' },
    /** Port calls per second per key the workers allow themselves (default: --rps). */
    permits: { type: 'string' },
    out: { type: 'string' },
  },
});
const n = (key: keyof typeof args) => Number(args[key]);
const [workers, agents, tenantCount, latencyMs, rps, concurrency] = [
  n('workers'),
  n('agents'),
  n('tenants'),
  n('latency'),
  n('rps'),
  n('concurrency'),
];

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);

const common = { latencyMs, rateLimit: { requestsPerSecond: rps } };
const tenantIds = Array.from({ length: tenantCount }, (_, i) => `tenant-${i}`);
const keys = Object.fromEntries(tenantIds.map((t) => [t, `sk_bench_${t}_${randomUUID().slice(0, 8)}`]));
const isAtoms = (i: number) => i % 2 === 0;
const atoms = await startAtomsEmulator({
  ...common,
  apiKeys: tenantIds.filter((_, i) => isAtoms(i)).map((t) => keys[t] as string),
  securityCheck: { durationMs: 0 },
});
const langdock = await startLangdockEmulator({
  ...common,
  apiKeys: tenantIds.filter((_, i) => !isAtoms(i)).map((t) => keys[t] as string),
});
const prefix = uniquePrefix();
const spawned: SpawnedWorker[] = [];
// The workers share a PostgreSQL ledger (this run's own schema) and its cross-process lease.
const schema = uniqueSchema('rollout_bench');
const ledgerConfig = { schema, maxConnections: 12 };
const ledger = await openSharedLedger(ledgerConfig);
try {
  const tenants: WorkerProcessConfig['tenants'] = {};
  tenantIds.forEach((t, i) => {
    tenants[t] = isAtoms(i)
      ? { provider: 'atoms', baseUrl: atoms.baseUrl, apiKey: keys[t] as string }
      : { provider: 'langdock', baseUrl: langdock.baseUrl, apiKey: keys[t] as string };
  });
  const targets: RolloutPlan['targets'] = Array.from({ length: agents }, (_, i) => {
    const t = i % tenantCount;
    const tenant = tenantIds[t] as string;
    const agentId = isAtoms(t)
      ? atoms.state.createAgent({ name: `a${i}`, prompt: 'original' })
      : langdock.state.createAgent({ name: `a${i}`, instruction: 'original', publish: true });
    return { tenant, agentId };
  });
  const config: WorkerProcessConfig = {
    prefix,
    ledger: ledgerConfig,
    concurrency,
    lockDurationMs: 30_000,
    tenants,
    rateLimit: { points: args.permits === undefined ? rps : Number(args.permits), durationMs: 1000 },
  };
  spawned.push(...(await Promise.all(Array.from({ length: workers }, () => spawnWorker(config)))));
  const engine = await createBullmqEngine({ connection: REDIS, prefix, window: workers * concurrency * 2 });
  const instructions = `bench ${prefix}`;
  atoms.clearRequests();
  langdock.clearRequests();
  const started = Date.now();
  const summary = await engine.start({
    id: `bench-${prefix}`,
    changes: { instructions },
    targets,
    failureBudget: { maxFailures: agents },
  }).done;
  const elapsedSec = (Date.now() - started) / 1000;
  await engine.close();

  const requests = [...atoms.requests, ...langdock.requests];
  const served = requests.filter((r) => typeof r.status === 'number' && r.status < 400).length;
  const throttled = requests.filter((r) => r.status === 429).length;
  // The rate ceiling over the keys in play, weighted by their work: no run can end before the
  // busiest key has sent its requests at `rps`, so served / that time is the fastest possible.
  const tenantOfAgent = new Map(targets.map((t) => [t.agentId, t.tenant]));
  const servedPerTenant = new Map<string, number>();
  for (const r of requests) {
    if (!(typeof r.status === 'number' && r.status < 400)) continue;
    const body = r.body as { agentId?: unknown } | undefined;
    const agentId = /^\/agent\/([^/]+)/.exec(r.path)?.[1] ?? String(body?.agentId ?? r.query.agentId);
    const tenant = tenantOfAgent.get(agentId === 'v1' ? String(body?.agentId ?? r.query.agentId) : agentId);
    if (tenant) servedPerTenant.set(tenant, (servedPerTenant.get(tenant) ?? 0) + 1);
  }
  const busiestKeySec = Math.max(...servedPerTenant.values()) / rps;
  const workWeightedCeiling = served / busiestKeySec;
  const nominalRateCeiling = tenantCount * rps;
  const concurrencyCeiling = (workers * concurrency * 1000) / latencyMs;
  const binding = Math.min(nominalRateCeiling, concurrencyCeiling);
  const throughput = served / elapsedSec;
  let duplicates = 0;
  let missed = 0;
  targets.forEach(({ agentId }, i) => {
    const atomsAgent = isAtoms(i % tenantCount);
    const withChange = atomsAgent
      ? atoms.state.versions(agentId).filter((v) => v.config.singlePromptConfig?.prompt === instructions)
          .length
      : langdock.state.versions(agentId).filter((v) => v.config.instruction === instructions).length;
    const live = atomsAgent
      ? atoms.state.activeVersion(agentId)?.config.singlePromptConfig?.prompt
      : langdock.state.activeVersion(agentId)?.config.instruction;
    if (withChange > 1) duplicates += withChange - 1;
    if (live !== instructions) missed += 1;
  });
  const latencies = summary.results.map((r) => r.durationMs).sort((a, b) => a - b);
  const cpu = await Promise.all(spawned.splice(0).map(stopWorker));
  const record = {
    workers,
    agents,
    tenants: tenantCount,
    throughputReqPerSec: Math.round(throughput),
    bindingCeilingReqPerSec: Math.round(binding),
    bindingCeiling: nominalRateCeiling <= concurrencyCeiling ? 'rate' : 'concurrency',
    fraction: Number((throughput / binding).toFixed(3)),
    rateCeilingReqPerSec: nominalRateCeiling,
    concurrencyCeilingReqPerSec: Math.round(concurrencyCeiling),
    workWeighted: {
      ceilingReqPerSec: Math.round(workWeightedCeiling),
      fraction: Number((throughput / workWeightedCeiling).toFixed(3)),
    },
    duplicates,
    missed,
    failed: summary.progress.totals.failed,
    /** Error codes of the failed targets, with counts. */
    failures: Object.fromEntries(
      [...new Set(summary.results.flatMap((r) => (r.error ? [r.error.code] : [])))].map((code) => [
        code,
        summary.results.filter((r) => r.error?.code === code).length,
      ]),
    ),
    throttled429: throttled,
    requestsPerAgent: Number((requests.length / agents).toFixed(1)),
    p50AgentMs: percentile(latencies, 0.5),
    p95AgentMs: percentile(latencies, 0.95),
    workerCpuSec: cpu.map((c) => (c ? Number(((c.user + c.system) / 1e6).toFixed(1)) : null)),
    elapsedSec: Number(elapsedSec.toFixed(1)),
    latencyMs,
    rpsPerKey: rps,
    concurrencyPerWorker: concurrency,
  };
  console.log(JSON.stringify(record));
  if (args.out) {
    const existing = await readFile(args.out, 'utf8').then(
      (text) => JSON.parse(text) as Record<string, unknown>,
      () => ({}) as Record<string, unknown>,
    );
    const rollout = (existing.rollout ?? {}) as { runs?: (typeof record)[] };
    const runs = (rollout.runs ?? []).filter((r) => !(r.workers === workers && r.agents === agents));
    existing.rollout = { ...rollout, runs: [...runs, record].sort((a, b) => a.workers - b.workers) };
    await writeFile(args.out, `${JSON.stringify(existing, null, 2)}\n`);
  }
} finally {
  await Promise.all(spawned.map(stopWorker));
  await deleteKeys(prefix);
  await ledger.close();
  await dropSchema(schema);
  await atoms.close();
  await langdock.close();
}
