/**
 * Turns benchmark results into the printed tables, the target verdicts and `bench/results.json`.
 * docs/benchmarks.md quotes these tables, so the printed form is the documented form.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { OverheadRow } from './client-overhead.js';
import type { ColdStartResult } from './cold-start.js';
import type { FleetResult } from './fleet.js';
import { type Issue1213Results, renderIssue1213, verdictsIssue1213 } from './report-issue-12-13.js';
import type { RequestsResult } from './requests-per-release.js';
import { mergeResults, type ResultsFile } from './results-file.js';
import { type RolloutResult, renderRollout, rolloutVerdicts } from './rollout.js';
import { round, type Spread, spread } from './stats.js';
import type { TimeToLiveRow } from './time-to-live.js';

/** The machine a run came from. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started and ended: other work on the box skews CPU figures. */
  loadAverage: { start: number; end?: number };
}

/** One target of the issue and whether this run met it. */
export interface TargetVerdict {
  target: string;
  measured: string;
  met: boolean;
}

/** Everything one `pnpm bench` run measured. */
export interface BenchResults {
  startedAt: string;
  durationS: number;
  quick: boolean;
  machine: Machine;
  runCounts: Record<string, string>;
  timeToLive?: TimeToLiveRow[];
  requests?: RequestsResult;
  overhead?: OverheadRow[];
  fleet?: FleetResult;
  coldStart?: ColdStartResult;
  /** Fleet rollouts; `rollout.runs[]` holds one record per worker count. */
  rollout?: RolloutResult;
  coreImport?: Issue1213Results['coreImport'];
  atomsV1Live?: Issue1213Results['atomsV1Live'];
  rollbackLedger?: Issue1213Results['rollbackLedger'];
  targets: TargetVerdict[];
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: { start: round(loadavg()[0] ?? 0, 2) },
  };
}

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'n/a');
const s = (v: number) => (Number.isFinite(v) ? `${round(v / 1000, 2)} s` : 'n/a');
const num = (v: number, d = 0) => (Number.isFinite(v) ? String(round(v, d)) : 'n/a');
const range = (sp: Spread, f: (v: number) => string) =>
  sp.n === 0 ? 'n/a' : sp.n === 1 ? f(sp.median) : `${f(sp.median)} (${f(sp.min)}–${f(sp.max)})`;

/** A plain-text table with aligned columns (also valid Markdown). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** Evaluates every target the issue sets against what was measured. */
export function verdicts(r: Omit<BenchResults, 'targets' | 'durationS'>): TargetVerdict[] {
  const out: TargetVerdict[] = [];
  if (r.timeToLive) {
    // "The median" of the issue: over every library run of every check duration. Per-duration
    // medians of a handful of runs scatter widely (one run can land anywhere in a 0–1 s poll
    // interval), so they are shown in the table but not judged one by one.
    const pooled = spread(r.timeToLive.flatMap((row) => row.library.liveAfterCheckSamples ?? []));
    out.push({
      target: 'TTL: library live ≤ 500 ms (median over all runs) after the check passes',
      measured: `${ms(pooled.median)} (n = ${pooled.n}; per check: ${r.timeToLive
        .map((row) => `${row.checkMs / 1000} s ${ms(row.library.liveAfterCheckMs.median)}`)
        .join(', ')})`,
      met: Number.isFinite(pooled.median) && pooled.median <= 500,
    });
    const nine = r.timeToLive.find((row) => row.checkMs === 9000);
    if (nine) {
      out.push({
        target: 'TTL: at a 9 s check the library succeeds and the recipe fails',
        measured: `library ${nine.library.succeeded}/${nine.runs}, recipe ${nine.recipe.succeeded}/${nine.runs}`,
        met: nine.library.succeeded === nine.runs && nine.recipe.succeeded === 0,
      });
    }
  }
  if (r.requests) {
    const a = r.requests.atoms;
    out.push({
      target: 'Requests: Atoms ≤ 7 per release plus polls',
      measured: `${num(a.lifecycle.max)} + ${num(a.polls.median)} polls (median)`,
      met: a.lifecycle.max <= 7,
    });
    out.push({
      target: `Requests: Atoms ≤ 12 polls for a ${a.checkMs / 1000} s check (every run)`,
      measured: `${num(a.polls.max)} polls (max of ${r.requests.runs})`,
      met: a.polls.max <= 12,
    });
    out.push({
      target: 'Requests: Langdock ≤ 3 per release',
      measured: `${num(r.requests.langdock.total.max)}`,
      met: r.requests.langdock.total.max <= 3,
    });
  }
  for (const row of r.overhead ?? []) {
    out.push({
      target: `Client overhead (${row.vendor}): library CPU ≤ 1.3× raw axios GETs as usually written (defaults)`,
      measured: `${num(row.ratioVsDefaults, 2)}×`,
      met: row.ratioVsDefaults <= 1.3,
    });
    out.push({
      target: `Client overhead (${row.vendor}): library CPU ≤ 1.3× raw axios on the library's transport (maxRedirects 0, text)`,
      measured: `${num(row.ratio, 2)}×`,
      met: row.ratio <= 1.3,
    });
  }
  if (r.fleet) {
    const f = r.fleet;
    out.push({
      target: 'Fleet: throughput ≥ 0.85 of the binding ceiling',
      measured: `${num(f.fractionOfBindingCeiling, 2)} of ${num(Math.min(f.ceilings.rateLimit, f.ceilings.concurrency))} req/s (${f.ceilings.binding})`,
      met: f.fractionOfBindingCeiling >= 0.85,
    });
    out.push({
      target: 'Fleet: zero failures, zero duplicate versions',
      measured: `${f.releases.failed} failures, ${f.duplicateVersions} duplicates, ${f.notConverged} not converged`,
      met: f.releases.failed === 0 && f.duplicateVersions === 0 && f.notConverged === 0,
    });
  }
  if (r.rollout) out.push(...rolloutVerdicts(r.rollout));
  out.push(...verdictsIssue1213(r));
  return out;
}

/** The human-readable report, section by section. */
export function render(r: BenchResults): string {
  const parts: string[] = [];
  const m = r.machine;
  parts.push(
    `agent-release benchmarks — ${r.startedAt}${r.quick ? ' (QUICK: fewer runs, not for docs)' : ''}\n` +
      `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.platform}; run took ${num(r.durationS)} s; ` +
      `1-min load average ${m.loadAverage.start} at start, ${m.loadAverage.end ?? '?'} at end`,
  );

  if (r.timeToLive) {
    parts.push(
      `## Time to live (Atoms, emulator; ${r.runCounts.timeToLive})\n${table(
        [
          'check',
          'library wall',
          'library live after check',
          'polls',
          'library ok',
          'recipe wall',
          'recipe live after check',
          'recipe ok',
          'recipe/library',
        ],
        r.timeToLive.map((row) => [
          `${row.checkMs / 1000} s`,
          range(row.library.wallMs, s),
          range(row.library.liveAfterCheckMs, ms),
          range(row.library.polls, (v) => num(v)),
          `${row.library.succeeded}/${row.runs}`,
          range(row.recipe.wallMs, s),
          range(row.recipe.liveAfterCheckMs, ms),
          `${row.recipe.succeeded}/${row.runs}`,
          `${num(row.recipeOverLibrary, 2)}×`,
        ]),
      )}`,
    );
    const failure = r.timeToLive.find((row) => row.recipe.failure)?.recipe.failure;
    if (failure) parts.push(`recipe activate refusal: ${failure}`);
  }

  if (r.requests) {
    const q = r.requests;
    parts.push(
      `## Requests per release (emulator request log; ${r.runCounts.requests})\n${table(
        ['vendor', 'total', 'lifecycle', 'polls', 'breakdown (first run)'],
        [
          [
            `atoms (${q.atoms.checkMs / 1000} s check)`,
            range(q.atoms.total, (v) => num(v)),
            range(q.atoms.lifecycle, (v) => num(v)),
            range(q.atoms.polls, (v) => num(v)),
            Object.entries(q.atoms.byOperation)
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
          ],
          [
            'langdock',
            range(q.langdock.total, (v) => num(v)),
            range(q.langdock.total, (v) => num(v)),
            '0',
            Object.entries(q.langdock.byOperation)
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
          ],
          [
            'atoms recipe (reference)',
            String(q.recipe),
            String(q.recipe),
            '0',
            'no poll, no confirm, no retry',
          ],
        ],
      )}`,
    );
  }

  if (r.overhead) {
    parts.push(
      `## Client overhead (getActiveVersion, sequential; ${r.runCounts.overhead})\n${table(
        [
          'vendor',
          'calls',
          'HTTP/call',
          'raw (axios defaults) CPU/call',
          'raw (same transport) CPU/call',
          'library CPU/call',
          'ratio vs same transport',
          'per round',
          'ratio vs defaults',
          'raw wall',
          'library wall',
        ],
        r.overhead.map((row) => [
          row.vendor,
          String(row.calls),
          String(row.requestsPerCall),
          `${num(row.rawDefaultsCpuUsPerCall)} µs`,
          `${num(row.rawCpuUsPerCall)} µs`,
          `${num(row.libraryCpuUsPerCall)} µs`,
          `${num(row.ratio, 2)}×`,
          row.ratios.map((x) => num(x, 2)).join(' / '),
          `${num(row.ratioVsDefaults, 2)}×`,
          ms(row.rawWallMs),
          ms(row.libraryWallMs),
        ]),
      )}`,
    );
  }

  if (r.fleet) {
    const f = r.fleet;
    const o = f.options;
    parts.push(
      `## Fleet (${o.agents} agents, ${o.tenants} tenants, both vendors, ${o.requestsPerSecondPerKey} req/s per key, ${o.latencyMs} ms latency, concurrency ${o.concurrency}, Atoms check ${o.checkMs} ms)\n${table(
        ['figure', 'value'],
        [
          ['wall time', s(f.wallMs)],
          [
            'releases',
            `${f.releases.released} released, ${f.releases.unchanged} unchanged, ${f.releases.failed} failed (after an unmeasured warm-up round of ${f.releases.warmup}, one per tenant)`,
          ],
          [
            'requests',
            `${f.requests.total} (atoms ${f.requests.atoms}, langdock ${f.requests.langdock}); 429: ${f.requests.rateLimited}; dropped: ${f.requests.dropped}`,
          ],
          ['throughput', `${num(f.requestsPerSecond)} req/s, ${num(f.releasesPerSecond, 1)} releases/s`],
          [
            'rate-limit ceiling',
            `${num(f.ceilings.rateLimit)} req/s → fraction ${num(f.fractionOfRateLimitCeiling, 3)}`,
          ],
          [
            'concurrency ceiling (32 / 20 ms)',
            `${num(f.ceilings.concurrency)} req/s → fraction ${num(f.fractionOfConcurrencyCeiling, 3)}`,
          ],
          ['binding ceiling', `${f.ceilings.binding} → fraction ${num(f.fractionOfBindingCeiling, 3)}`],
          [
            `measured round trip (unloaded, ${f.calibration.samples} GETs)`,
            `${num(f.calibration.roundTripMs, 1)} ms → 32 / RTT = ${num(f.ceilings.measuredRoundTrip)} req/s → fraction ${num(f.fractionOfMeasuredRoundTripCeiling, 3)}`,
          ],
          [
            'mean time per request under load (Little: 32 / throughput)',
            `${num((f.options.concurrency / f.requestsPerSecond) * 1000, 1)} ms`,
          ],
          ['duplicate versions', String(f.duplicateVersions)],
          ['agents not converged', String(f.notConverged)],
          [
            'release latency',
            `median ${ms(f.releaseMs.median)}, p95 ${ms(f.releaseMs.p95)}, max ${ms(f.releaseMs.max)}`,
          ],
          [
            'client CPU',
            `${num(f.clientCpuCores, 2)} cores busy (1.0 = its one event loop saturated), ${num(f.clientCpuUsPerRequest)} µs per request`,
          ],
          ['emulator CPU', `${num(f.emulatorCpuCores, 2)} cores busy (separate process)`],
        ],
      )}`,
    );
    if (f.failures.length)
      parts.push(`fleet failures (first ${f.failures.length}):\n${f.failures.join('\n')}`);
  }

  if (r.coldStart) {
    const c = r.coldStart;
    parts.push(
      `## Cold start and memory (fresh node process per sample; ${r.runCounts.coldStart})\n${table(
        ['figure', 'median (min–max)'],
        [
          ['import core + adapters + inversify', range(c.importMs, ms)],
          ['container build', range(c.containerMs, (v) => `${num(v, 1)} ms`)],
          ['first releaser', range(c.firstReleaserMs, (v) => `${num(v, 1)} ms`)],
          ['import + container + first releaser', range(c.totalMs, ms)],
          ['process start → first releaser', range(c.sinceProcessStartMs, ms)],
          ['spawn → exit (parent clock)', range(c.spawnToExitMs, ms)],
          [
            `RSS delta, ${c.memory.releasers} cached tenant releasers`,
            range(c.memory.rssDeltaMiB, (v) => `${num(v, 1)} MiB`),
          ],
          ['heap delta', range(c.memory.heapDeltaMiB, (v) => `${num(v, 1)} MiB`)],
          ['RSS total after', range(c.memory.rssTotalMiB, (v) => `${num(v, 1)} MiB`)],
          ['per releaser (RSS)', `${num(c.memory.kibPerReleaser, 1)} KiB`],
        ],
      )}`,
    );
  }

  if (r.rollout) parts.push(renderRollout(r.rollout, table));
  parts.push(...renderIssue1213(r, table));

  parts.push(
    `## Targets\n${table(
      ['target', 'measured', 'met'],
      r.targets.map((t) => [t.target, t.measured, t.met ? 'yes' : 'NO']),
    )}`,
  );
  return `${parts.join('\n\n')}\n`;
}

/**
 * Writes `bench/results.json` (next to this package's `dist/`), keeping the sections this run
 * did not measure.
 */
export function writeResults(r: BenchResults): string {
  const path = fileURLToPath(new URL('../results.json', import.meta.url));
  const previous = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ResultsFile) : undefined;
  const merged = mergeResults(previous, r as unknown as ResultsFile);
  writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`);
  return path;
}
