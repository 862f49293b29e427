/**
 * Client overhead: N sequential `getActiveVersion` calls through the library against the same
 * reads done with raw axios GETs, compared by the CPU time of this process
 * (`process.cpuUsage()`, user + system). Target: library ≤ 1.3× raw.
 *
 * The emulators run in a child process, so the CPU measured here is the client's alone. Both
 * sides use the same axios (and so the same keep-alive agent); raw requests parse JSON too. What
 * the library adds is its own work: input validation, bearer/header assembly, per-attempt
 * deadlines (AbortSignal), zod validation of every response and error mapping.
 *
 * Atoms' `getActiveVersion` is two GETs (the agent, then its active version), so the raw side
 * sends the same two; Langdock's is one GET.
 *
 * Two raw baselines, because axios' defaults are not the transport the library uses:
 * - `raw (defaults)`: `axios.get` as a user would write it. With redirects allowed axios sends
 *   through `follow-redirects`, which costs noticeably more CPU per request than plain `http`.
 * - `raw (same transport)`: `maxRedirects: 0` and a text response parsed with `JSON.parse`, as
 *   the library sends. This isolates what the library itself adds, so the target is judged
 *   against it.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import axios, { type AxiosRequestConfig } from 'axios';
import { startEmulatorProcess } from './emulator-process.js';
import { median, nowMs } from './stats.js';

/** One vendor's overhead figures. */
export interface OverheadRow {
  vendor: 'atoms' | 'langdock';
  calls: number;
  /** HTTP requests per call on every side. */
  requestsPerCall: number;
  rounds: number;
  /** Median over rounds of CPU µs per call. */
  rawDefaultsCpuUsPerCall: number;
  rawCpuUsPerCall: number;
  libraryCpuUsPerCall: number;
  /** Median over rounds of library CPU / raw (same transport) CPU: the target figure. */
  ratio: number;
  ratios: number[];
  /** Median over rounds of library CPU / raw (axios defaults) CPU. */
  ratioVsDefaults: number;
  rawWallMs: number;
  libraryWallMs: number;
}

/** Options of {@link measureClientOverhead}. */
export interface OverheadOptions {
  calls: number;
  warmup: number;
  rounds: number;
}

function cpuMicros(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

/** A full GC between loops, so garbage from one loop is not collected (and billed) in the next. */
const collectGarbage: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

async function measure(loop: (i: number) => Promise<unknown>, calls: number) {
  collectGarbage();
  const wall = nowMs();
  const cpu = process.cpuUsage();
  for (let i = 0; i < calls; i++) await loop(i);
  return { cpuUs: cpuMicros(cpu), wallMs: nowMs() - wall };
}

/**
 * Warm-up first (JIT, connection pool), then `rounds` alternating raw/library loops so drift
 * (thermal, other load) hits both sides alike; the ratio is the median of per-round ratios.
 */
export async function measureClientOverhead(options: OverheadOptions): Promise<OverheadRow[]> {
  const host = await startEmulatorProcess({});
  try {
    const { atoms, langdock } = host.endpoints;
    const [atomsAgent] = await host.call('createAtomsAgents', { count: 1, prompt: 'Overhead agent.' });
    const [langdockAgent] = await host.call('createLangdockAgents', { count: 1, prompt: 'Overhead agent.' });

    const atomsReleaser = createAtomsReleaser({ apiKey: atoms.apiKey, baseUrl: atoms.baseUrl });
    const langdockReleaser = createLangdockReleaser({ apiKey: langdock.apiKey, baseUrl: langdock.baseUrl });
    const atomsHeaders = { Authorization: `Bearer ${atoms.apiKey}`, Accept: 'application/json' };
    const langdockHeaders = { Authorization: `Bearer ${langdock.apiKey}`, Accept: 'application/json' };
    const sameTransport: AxiosRequestConfig = {
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
    };
    // biome-ignore lint/suspicious/noExplicitAny: raw JSON, read the way a hand-written client does.
    const body = (res: { data: unknown }, parse: boolean): any =>
      parse ? JSON.parse(res.data as string) : res.data;

    const atomsRaw = (config: AxiosRequestConfig, parse: boolean) => async () => {
      const agent = body(
        await axios.get(`${atoms.baseUrl}/agent/${atomsAgent}`, { ...config, headers: atomsHeaders }),
        parse,
      );
      const versionId = agent.data.activeVersionId as string;
      const version = body(
        await axios.get(`${atoms.baseUrl}/agent/${atomsAgent}/versions/${versionId}`, {
          ...config,
          headers: atomsHeaders,
        }),
        parse,
      );
      if (version.data.version._id !== versionId) throw new Error('raw read mismatch');
    };
    const langdockRaw = (config: AxiosRequestConfig, parse: boolean) => async () => {
      const res = body(
        await axios.get(`${langdock.baseUrl}/agent/v1/get`, {
          ...config,
          headers: langdockHeaders,
          params: { agentId: langdockAgent } as Record<string, unknown>,
        }),
        parse,
      );
      if (res.agent.id !== langdockAgent) throw new Error('raw read mismatch');
    };

    const sides = {
      atoms: {
        requestsPerCall: 2,
        rawDefaults: atomsRaw({}, false),
        raw: atomsRaw(sameTransport, true),
        library: async () => {
          const live = await atomsReleaser.getActiveVersion(atomsAgent!);
          if (!live) throw new Error('no live version');
        },
      },
      langdock: {
        requestsPerCall: 1,
        rawDefaults: langdockRaw({}, false),
        raw: langdockRaw(sameTransport, true),
        library: async () => {
          await langdockReleaser.getActiveVersion(langdockAgent!);
        },
      },
    } as const;

    const rows: OverheadRow[] = [];
    for (const vendor of ['atoms', 'langdock'] as const) {
      const side = sides[vendor];
      await measure(side.rawDefaults, options.warmup);
      await measure(side.raw, options.warmup);
      await measure(side.library, options.warmup);
      const rawDefaults: { cpuUs: number; wallMs: number }[] = [];
      const raw: { cpuUs: number; wallMs: number }[] = [];
      const lib: { cpuUs: number; wallMs: number }[] = [];
      for (let round = 0; round < options.rounds; round++) {
        rawDefaults.push(await measure(side.rawDefaults, options.calls));
        raw.push(await measure(side.raw, options.calls));
        lib.push(await measure(side.library, options.calls));
      }
      const ratios = raw.map((r, i) => lib[i]!.cpuUs / r.cpuUs);
      rows.push({
        vendor,
        calls: options.calls,
        requestsPerCall: side.requestsPerCall,
        rounds: options.rounds,
        rawDefaultsCpuUsPerCall: median(rawDefaults.map((r) => r.cpuUs / options.calls)),
        rawCpuUsPerCall: median(raw.map((r) => r.cpuUs / options.calls)),
        libraryCpuUsPerCall: median(lib.map((r) => r.cpuUs / options.calls)),
        ratio: median(ratios),
        ratios,
        ratioVsDefaults: median(rawDefaults.map((r, i) => lib[i]!.cpuUs / r.cpuUs)),
        rawWallMs: median(raw.map((r) => r.wallMs)),
        libraryWallMs: median(lib.map((r) => r.wallMs)),
      });
    }
    return rows;
  } finally {
    await host.close();
  }
}
