/**
 * Cold start and memory, each sample in a fresh `node` process (`cold-start-child.js`), because
 * a warm process has already paid for module loading and JIT.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { nowMs, type Spread, spread } from './stats.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./cold-start-child.js', import.meta.url));

interface ColdSample {
  importMs: number;
  containerMs: number;
  firstReleaserMs: number;
  totalMs: number;
  sinceProcessStartMs: number;
}

interface MemorySample {
  releasers: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  heapUsedBeforeBytes: number;
  heapUsedAfterBytes: number;
}

/** Cold-start and memory results. */
export interface ColdStartResult {
  samples: number;
  /** Import + container + first releaser, inside the child. */
  totalMs: Spread;
  importMs: Spread;
  containerMs: Spread;
  firstReleaserMs: Spread;
  /** From node's process start to the first releaser (adds node's own boot). */
  sinceProcessStartMs: Spread;
  /** Spawn to exit, measured by the parent. */
  spawnToExitMs: Spread;
  memory: {
    releasers: number;
    samples: number;
    rssDeltaMiB: Spread;
    rssTotalMiB: Spread;
    heapDeltaMiB: Spread;
    /** Median RSS delta per cached releaser. */
    kibPerReleaser: number;
  };
}

async function child<T>(args: string[]): Promise<{ value: T; wallMs: number }> {
  const started = nowMs();
  const { stdout } = await run(process.execPath, ['--expose-gc', CHILD, ...args], { encoding: 'utf8' });
  return { value: JSON.parse(stdout.trim().split('\n').at(-1)!) as T, wallMs: nowMs() - started };
}

/** Options of {@link measureColdStart}. */
export interface ColdStartOptions {
  samples: number;
  memorySamples: number;
  tenants: number;
}

export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  // One discarded spawn warms the OS file cache, so every sample sees the same disk state.
  await child<ColdSample>(['cold']);
  const cold: { value: ColdSample; wallMs: number }[] = [];
  for (let i = 0; i < options.samples; i++) cold.push(await child<ColdSample>(['cold']));
  const mem: MemorySample[] = [];
  for (let i = 0; i < options.memorySamples; i++) {
    mem.push((await child<MemorySample>(['memory', String(options.tenants)])).value);
  }
  const MiB = 1024 * 1024;
  const rssDelta = mem.map((m) => (m.rssAfterBytes - m.rssBeforeBytes) / MiB);
  const pick = (f: (s: ColdSample) => number) => spread(cold.map((c) => f(c.value)));
  const deltaSpread = spread(rssDelta);
  return {
    samples: options.samples,
    totalMs: pick((s) => s.totalMs),
    importMs: pick((s) => s.importMs),
    containerMs: pick((s) => s.containerMs),
    firstReleaserMs: pick((s) => s.firstReleaserMs),
    sinceProcessStartMs: pick((s) => s.sinceProcessStartMs),
    spawnToExitMs: spread(cold.map((c) => c.wallMs)),
    memory: {
      releasers: options.tenants,
      samples: options.memorySamples,
      rssDeltaMiB: deltaSpread,
      rssTotalMiB: spread(mem.map((m) => m.rssAfterBytes / MiB)),
      heapDeltaMiB: spread(mem.map((m) => (m.heapUsedAfterBytes - m.heapUsedBeforeBytes) / MiB)),
      kibPerReleaser: (deltaSpread.median * 1024) / options.tenants,
    },
  };
}
