/**
 * Fleet: 1,000 agents across 100 tenants (half on Atoms, half on Langdock, each tenant with its
 * own API key), released through the DI path a service uses (`coreModule` + adapter modules +
 * `StaticTenantDirectory` → `TenantReleasers`), 32 releases in flight, against emulators with a
 * 100 req/s per-key rate limit and 20 ms latency.
 *
 * Two ceilings bound the request rate, and the report states both:
 * - the rate-limit ceiling: keys × 100 req/s = 10,000 req/s;
 * - the concurrency ceiling (Little's law): 32 requests in flight / 20 ms = 1,600 req/s, reached
 *   only if every in-flight release always has a request outstanding and the client costs nothing.
 * The lower one binds. A release is a chain of dependent requests, so one release can never have
 * two requests outstanding: the concurrency ceiling is the one that binds here. A third figure,
 * 32 / the measured unloaded round trip of one request, shows how much of the gap is the
 * emulator's own per-request cost rather than the client's.
 *
 * Each tenant's first agent is released in an unmeasured warm-up round; the measured releases
 * then start with compiled code and cached tenant releasers. Duplicates and convergence are
 * checked over all agents in the emulators' state.
 *
 * The Atoms security check is set to `checkMs` (default 0) so the fleet measures request
 * throughput, not the vendor's scan time, which the time-to-live benchmark covers; with a 6 s
 * check each Atoms release idles for 6 s and the fleet would measure that instead.
 */
import 'reflect-metadata';
import { atomsModule } from '@agent-release/adapter-atoms/di';
import { langdockModule } from '@agent-release/adapter-langdock/di';
import { isAgentReleaseError, type ReleaseResult, release } from '@agent-release/core';
import {
  coreModule,
  StaticTenantDirectory,
  type TenantConfig,
  type TenantReleasers,
  TOKENS,
} from '@agent-release/core/di';
import axios from 'axios';
import { Container } from 'inversify';
import { startEmulatorProcess } from './emulator-process.js';
import { median, nowMs } from './stats.js';

/** Options of {@link measureFleet}. */
export interface FleetOptions {
  agents: number;
  tenants: number;
  concurrency: number;
  requestsPerSecondPerKey: number;
  latencyMs: number;
  /** Atoms security-check duration on the emulator. */
  checkMs: number;
}

/** Fleet results. */
export interface FleetResult {
  options: FleetOptions;
  wallMs: number;
  /** Measured releases; `failed` counts the warm-up round too, `warmup` is its size. */
  releases: { released: number; unchanged: number; failed: number; warmup: number };
  failures: string[];
  requests: { atoms: number; langdock: number; total: number; rateLimited: number; dropped: number };
  requestsPerSecond: number;
  releasesPerSecond: number;
  ceilings: {
    rateLimit: number;
    concurrency: number;
    binding: 'rate-limit' | 'concurrency';
    /** concurrency / the measured unloaded round trip (latency + timer + both ends' work). */
    measuredRoundTrip: number;
  };
  /** One request's unloaded round trip against this emulator (median of sequential raw GETs). */
  calibration: { samples: number; roundTripMs: number };
  fractionOfMeasuredRoundTripCeiling: number;
  fractionOfRateLimitCeiling: number;
  fractionOfConcurrencyCeiling: number;
  fractionOfBindingCeiling: number;
  /** Versions created beyond one per `released` result (must be 0). */
  duplicateVersions: number;
  /** Agents whose live prompt is not the one released (must be 0). */
  notConverged: number;
  /** This process's CPU use during the run, as a fraction of one core: ≈ 1 means CPU-bound. */
  clientCpuCores: number;
  /** The emulator process's CPU use during the run, as a fraction of one core. */
  emulatorCpuCores: number;
  /** This process's CPU time per request sent (release orchestration included), µs. */
  clientCpuUsPerRequest: number;
  /** Median and max latency of one whole release, client side. */
  releaseMs: { median: number; p95: number; max: number };
}

interface Job {
  tenantId: string;
  provider: 'atoms' | 'langdock';
  agentId: string;
  prompt: string;
}

export async function measureFleet(options: FleetOptions): Promise<FleetResult> {
  const rateLimit = { requestsPerSecond: options.requestsPerSecondPerKey };
  const host = await startEmulatorProcess({
    atoms: { rateLimit, latencyMs: options.latencyMs, securityCheck: { durationMs: options.checkMs } },
    langdock: { rateLimit, latencyMs: options.latencyMs },
  });
  try {
    const { atoms, langdock } = host.endpoints;
    const perTenant = Math.ceil(options.agents / options.tenants);
    const tenants = new Map<string, TenantConfig>();
    const jobsByTenant: Job[][] = [];
    const keys = { atoms: [] as string[], langdock: [] as string[] };
    const agentsOf = { atoms: [] as string[], langdock: [] as string[] };
    for (let t = 0; t < options.tenants; t++) {
      const provider = t % 2 === 0 ? 'atoms' : 'langdock';
      const tenantId = `tenant-${String(t).padStart(3, '0')}`;
      const apiKey = provider === 'atoms' ? `sk_fleet_${tenantId}_key` : `sk-ld-fleet-${tenantId}-key`;
      keys[provider].push(apiKey);
      const endpoint = provider === 'atoms' ? atoms : langdock;
      tenants.set(tenantId, {
        provider,
        apiKey,
        baseUrl: endpoint.baseUrl,
        // Adapter defaults (retries, Retry-After handling, 30 s deadlines, check waiter): the
        // benchmark measures what a service gets without tuning.
      });
      // One extra agent per tenant for the warm-up round.
      const count = Math.max(0, Math.min(perTenant, options.agents - t * perTenant)) + 1;
      const ids = await host.call(provider === 'atoms' ? 'createAtomsAgents' : 'createLangdockAgents', {
        count,
        prompt: 'Fleet agent v1.',
      });
      agentsOf[provider].push(...ids);
      jobsByTenant.push(
        ids.map((agentId) => ({ tenantId, provider, agentId, prompt: `Fleet ${agentId} v2.` })),
      );
    }
    await host.call('addApiKeys', keys);

    // What "20 ms latency" costs one request end to end when nothing else runs: the emulator's
    // timer fires a little late and both ends do some work. Measured with the host's own key, so
    // no tenant's rate-limit bucket is touched; 50 GETs stay under its 100-request burst.
    const probe = agentsOf.atoms[0] ?? agentsOf.langdock[0]!;
    const probeUrl = agentsOf.atoms[0]
      ? `${atoms.baseUrl}/agent/${probe}`
      : `${langdock.baseUrl}/agent/v1/get?agentId=${probe}`;
    const probeKey = agentsOf.atoms[0] ? atoms.apiKey : langdock.apiKey;
    const roundTrips: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = nowMs();
      await axios.get(probeUrl, { headers: { Authorization: `Bearer ${probeKey}` } });
      roundTrips.push(nowMs() - t);
    }
    const roundTripMs = median(roundTrips.slice(10));

    // Round-robin over tenants, as a fair work queue would: consecutive releases hit different
    // keys, so no key's budget is spent by a burst of its own agents. Each tenant's first agent
    // is released in an unmeasured warm-up round, so the measured 1,000 see a steady state: JIT
    // compiled, every tenant's releaser built and cached (cold start is measured on its own).
    const warmup = jobsByTenant.map((list) => list[0]!);
    const jobs: Job[] = [];
    for (let i = 1; i <= perTenant; i++) for (const list of jobsByTenant) if (list[i]) jobs.push(list[i]!);

    const container = new Container();
    container.bind(TOKENS.TenantDirectory).toConstantValue(new StaticTenantDirectory(tenants));
    container.load(coreModule, atomsModule, langdockModule);
    const releasers = container.get<TenantReleasers>(TOKENS.TenantReleasers);

    const results: ReleaseResult[] = [];
    const failures: string[] = [];
    let durations: number[] = [];
    const runPool = async (queue: readonly Job[]) => {
      let next = 0;
      const worker = async () => {
        while (next < queue.length) {
          const job = queue[next++]!;
          const started = nowMs();
          try {
            const releaser = await releasers.get(job.tenantId);
            results.push(await release(releaser, job.agentId, { instructions: job.prompt }));
          } catch (error) {
            failures.push(
              `${job.provider} ${job.agentId}: ${isAgentReleaseError(error) ? `${error.code} ${error.message}` : String(error)}`,
            );
          }
          durations.push(nowMs() - started);
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
    };

    await runPool(warmup);
    const warmupResults = results.length;
    durations = [];
    await host.call('clearRequests', {});

    const hostCpuBefore = await host.call('cpuUsage', {});
    const cpu = process.cpuUsage();
    const started = nowMs();
    await runPool(jobs);
    const wallMs = nowMs() - started;
    const cpuUsed = process.cpuUsage(cpu);
    const hostCpuAfter = await host.call('cpuUsage', {});
    const hostCpuUs = hostCpuAfter.user + hostCpuAfter.system - (hostCpuBefore.user + hostCpuBefore.system);

    const summary = await host.call('summary', {
      atomsAgents: agentsOf.atoms,
      langdockAgents: agentsOf.langdock,
    });
    // Duplicates and convergence are checked over every agent, warm-up ones included.
    const releasedIds = new Set(results.filter((r) => r.status === 'released').map((r) => r.agentId));
    const measured = results.slice(warmupResults);
    let duplicateVersions = 0;
    let notConverged = 0;
    // Every agent starts with exactly one published version (Atoms: created; Langdock: publish: true).
    for (const facts of [...summary.atoms, ...summary.langdock]) {
      const expected = 1 + (releasedIds.has(facts.agentId) ? 1 : 0);
      if (facts.versions > expected) duplicateVersions += facts.versions - expected;
      if (facts.livePrompt !== `Fleet ${facts.agentId} v2.`) notConverged += 1;
    }

    const total = summary.atomsLog.total + summary.langdockLog.total;
    const rateLimited = (summary.atomsLog.byStatus['429'] ?? 0) + (summary.langdockLog.byStatus['429'] ?? 0);
    const dropped = (summary.atomsLog.byStatus.dropped ?? 0) + (summary.langdockLog.byStatus.dropped ?? 0);
    const requestsPerSecond = total / (wallMs / 1000);
    const rateLimitCeiling = options.tenants * options.requestsPerSecondPerKey;
    const concurrencyCeiling = options.concurrency / (options.latencyMs / 1000);
    const binding = concurrencyCeiling < rateLimitCeiling ? 'concurrency' : 'rate-limit';
    const sorted = [...durations].sort((a, b) => a - b);
    return {
      options,
      wallMs,
      releases: {
        released: measured.filter((r) => r.status === 'released').length,
        unchanged: measured.filter((r) => r.status === 'unchanged').length,
        failed: failures.length,
        warmup: warmup.length,
      },
      failures: failures.slice(0, 10),
      requests: {
        atoms: summary.atomsLog.total,
        langdock: summary.langdockLog.total,
        total,
        rateLimited,
        dropped,
      },
      requestsPerSecond,
      releasesPerSecond: measured.length / (wallMs / 1000),
      ceilings: {
        rateLimit: rateLimitCeiling,
        concurrency: concurrencyCeiling,
        binding,
        measuredRoundTrip: options.concurrency / (roundTripMs / 1000),
      },
      calibration: { samples: roundTrips.length - 10, roundTripMs },
      fractionOfMeasuredRoundTripCeiling: requestsPerSecond / (options.concurrency / (roundTripMs / 1000)),
      fractionOfRateLimitCeiling: requestsPerSecond / rateLimitCeiling,
      fractionOfConcurrencyCeiling: requestsPerSecond / concurrencyCeiling,
      fractionOfBindingCeiling: requestsPerSecond / Math.min(rateLimitCeiling, concurrencyCeiling),
      duplicateVersions,
      notConverged,
      clientCpuCores: (cpuUsed.user + cpuUsed.system) / 1000 / wallMs,
      emulatorCpuCores: hostCpuUs / 1000 / wallMs,
      clientCpuUsPerRequest: (cpuUsed.user + cpuUsed.system) / total,
      releaseMs: {
        median: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
        p95: sorted[Math.floor(sorted.length * 0.95)] ?? Number.NaN,
        max: sorted.at(-1) ?? Number.NaN,
      },
    };
  } finally {
    await host.close();
  }
}
