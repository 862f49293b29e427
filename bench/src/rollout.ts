/**
 * Fleet rollouts (`@agent-release/rollout`, BullMQ engine): N agents across T tenants of both
 * vendors on the emulators, released by 1, 2 and 4 worker processes sharing Redis rate limits and
 * a PostgreSQL ledger. Each worker count runs `packages/rollout/bench/rollout-bench.ts` in a fresh
 * process (it spawns the workers itself), one after another, and this collects its records.
 * Needs Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TargetVerdict } from './report.js';
import { round } from './stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = 'packages/rollout/bench/rollout-bench.ts';

/** One `rollout.runs[]` record, as `rollout-bench.ts` prints it. */
export interface RolloutRunRecord {
  workers: number;
  agents: number;
  tenants: number;
  throughputReqPerSec: number;
  /** The issue's: min(keys × rps, concurrency ceiling). */
  bindingCeilingReqPerSec: number;
  bindingCeiling: 'rate' | 'concurrency';
  fraction: number;
  rateCeilingReqPerSec: number;
  concurrencyCeilingReqPerSec: number;
  /** The rate ceiling weighted by each key's work: served / (busiest key's requests / rps). */
  workWeighted: { ceilingReqPerSec: number; fraction: number };
  duplicates: number;
  missed: number;
  failed: number;
  /** Error codes of the failed targets, with counts. */
  failures?: Record<string, number>;
  throttled429: number;
  requestsPerAgent: number;
  p50AgentMs: number;
  p95AgentMs: number;
  /** CPU seconds per worker process. */
  workerCpuSec: Array<number | null>;
  elapsedSec: number;
}

export interface RolloutOptions {
  workers: number[];
  agents: number;
  tenants: number;
  latencyMs: number;
  requestsPerSecondPerKey: number;
  concurrencyPerWorker: number;
}

export interface RolloutResult {
  options: RolloutOptions;
  runs: RolloutRunRecord[];
}

/** Runs the rollout bench once per worker count, sequentially. */
export async function measureRollout(options: RolloutOptions): Promise<RolloutResult> {
  const runs: RolloutRunRecord[] = [];
  for (const workers of options.workers) {
    process.stderr.write(`[bench]   rollout with ${workers} worker process(es) ...\n`);
    runs.push(await runOnce(options, workers));
  }
  return { options, runs };
}

function runOnce(o: RolloutOptions, workers: number): Promise<RolloutRunRecord> {
  const args = [
    ...['--workers', String(workers), '--agents', String(o.agents), '--tenants', String(o.tenants)],
    ...['--latency', String(o.latencyMs), '--rps', String(o.requestsPerSecondPerKey)],
    ...['--concurrency', String(o.concurrencyPerWorker)],
  ];
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.dev.json' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        reject(new Error(`${SCRIPT} with ${workers} worker(s) exited with ${code}: ${stdout.slice(-500)}`));
        return;
      }
      resolve(JSON.parse(last) as RolloutRunRecord);
    });
  });
}

/**
 * The issue's targets: ≥ 0.9 of the binding ceiling at every worker count, throughput growing
 * with workers until the rate ceiling binds, and no duplicate or missed agent.
 */
export function rolloutVerdicts(r: RolloutResult): TargetVerdict[] {
  const out: TargetVerdict[] = [];
  for (const run of r.runs) {
    out.push({
      target: `Rollout, ${run.workers} worker(s): throughput ≥ 0.9 of the binding ceiling`,
      measured: `${run.throughputReqPerSec} of ${run.bindingCeilingReqPerSec} req/s (${run.bindingCeiling}) = ${run.fraction}; work-weighted rate ceiling ${run.workWeighted.ceilingReqPerSec} req/s = ${run.workWeighted.fraction}`,
      met: run.fraction >= 0.9,
    });
  }
  const sorted = [...r.runs].sort((a, b) => a.workers - b.workers);
  sorted.slice(1).forEach((run, i) => {
    const prev = sorted[i] as RolloutRunRecord;
    // Growth is only owed while the rate ceiling does not bind yet.
    const rateBound = prev.throughputReqPerSec >= 0.9 * prev.rateCeilingReqPerSec;
    out.push({
      target: `Rollout: throughput grows from ${prev.workers} to ${run.workers} workers until the rate ceiling binds`,
      measured: `${prev.throughputReqPerSec} → ${run.throughputReqPerSec} req/s (×${round(run.throughputReqPerSec / prev.throughputReqPerSec, 2)})`,
      met: rateBound || run.throughputReqPerSec >= 1.1 * prev.throughputReqPerSec,
    });
  });
  const bad = r.runs.reduce((n, run) => n + run.duplicates + run.missed + run.failed, 0);
  out.push({
    target: 'Rollout: 0 duplicate versions, 0 agents missed, 0 failed',
    measured: r.runs
      .map((run) => `${run.workers}w: ${run.duplicates}/${run.missed}/${run.failed}`)
      .join(', '),
    met: bad === 0,
  });
  return out;
}

/** The rollout section of the printed report. */
export function renderRollout(r: RolloutResult, table: (h: string[], rows: string[][]) => string): string {
  const o = r.options;
  const cpu = (run: RolloutRunRecord) => run.workerCpuSec.map((c) => (c === null ? '?' : `${c}`)).join('+');
  return `## Fleet rollouts (${o.agents} agents, ${o.tenants} tenants, both vendors, ${o.requestsPerSecondPerKey} req/s per key, ${o.latencyMs} ms latency, Atoms check 0 s, concurrency ${o.concurrencyPerWorker} per worker)\n${table(
    [
      'workers',
      'req/s',
      'binding ceiling',
      'fraction',
      'work-weighted ceiling',
      'fraction',
      'dup',
      'missed',
      'failed',
      '429s',
      'p50 / p95 per agent',
      'worker CPU s',
      'wall',
    ],
    r.runs.map((run) => [
      String(run.workers),
      String(run.throughputReqPerSec),
      `${run.bindingCeilingReqPerSec} (${run.bindingCeiling})`,
      String(run.fraction),
      String(run.workWeighted.ceilingReqPerSec),
      String(run.workWeighted.fraction),
      String(run.duplicates),
      String(run.missed),
      String(run.failed),
      String(run.throttled429),
      `${round(run.p50AgentMs / 1000, 1)} s / ${round(run.p95AgentMs / 1000, 1)} s`,
      cpu(run),
      `${run.elapsedSec} s`,
    ]),
  )}`;
}
