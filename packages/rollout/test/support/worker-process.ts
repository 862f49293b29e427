/**
 * A rollout worker process for the crash test and the bench: `node --import tsx worker-process.ts`
 * with its configuration in the ROLLOUT_WORKER environment variable. Prints `ready` once it takes
 * jobs, and on SIGTERM a `cpu {...}` line (its CPU time, µs) before it exits.
 */
import type { AgentReleaser, VersionInfo } from '@agent-release/core';
import { createRolloutWorker } from '@agent-release/rollout/bullmq';
import { REDIS } from './redis.js';
import { openSharedLedger, type SharedLedgerConfig } from './shared-ledger.js';

export interface WorkerProcessConfig {
  prefix: string;
  /** The PostgreSQL ledger all processes share; its lease keeps each agent's releases apart. */
  ledger: SharedLedgerConfig;
  concurrency: number;
  lockDurationMs: number;
  /** Per API key; default 200 calls/s. */
  rateLimit?: { points: number; durationMs: number };
  tenants: Record<string, { provider: 'atoms' | 'langdock'; baseUrl: string; apiKey: string }>;
}

type Factory = (options: {
  apiKey: string;
  baseUrl: string;
  securityCheck?: { minDelayMs: number; maxDelayMs: number };
}) => AgentReleaser;
// Loaded by name, not by a static import, so that this package's typecheck does not depend on
// the adapters' sources (adapter-atoms does not yet match core's port on this branch).
const adapters = ['@agent-release/adapter-atoms', '@agent-release/adapter-langdock'];
const { createAtomsReleaser } = (await import(adapters[0] as string)) as { createAtomsReleaser: Factory };
const { createLangdockReleaser } = (await import(adapters[1] as string)) as {
  createLangdockReleaser: Factory;
};

/**
 * The port's shape of `listVersions` (an array). adapter-atoms on this branch still answers a page
 * (`{ versions, total, ... }`); drop this once it matches core's port.
 */
function portShaped(r: AgentReleaser): AgentReleaser {
  const { listVersions, readConfig, validate } = r;
  return {
    provider: r.provider,
    capabilities: r.capabilities,
    editDraft: (agentId, changes, opts) => r.editDraft(agentId, changes, opts),
    publish: (draft, opts) => r.publish(draft, opts),
    activate: (agentId, versionId, opts) => r.activate(agentId, versionId, opts),
    getActiveVersion: (agentId, opts) => r.getActiveVersion(agentId, opts),
    ...(listVersions && {
      listVersions: async (agentId, opts) => {
        const out: unknown = await listVersions.call(r, agentId, opts);
        return Array.isArray(out) ? out : (out as { versions: VersionInfo[] }).versions;
      },
    }),
    ...(readConfig && { readConfig: (agentId, opts) => readConfig.call(r, agentId, opts) }),
    ...(validate && { validate: (input) => validate.call(r, input) }),
  } satisfies AgentReleaser;
}

const config = JSON.parse(process.env.ROLLOUT_WORKER ?? '{}') as WorkerProcessConfig;
const releasers = new Map<string, AgentReleaser>();

async function resolveReleaser(tenant: string): Promise<AgentReleaser> {
  const found = releasers.get(tenant);
  if (found) return found;
  const t = config.tenants[tenant];
  if (!t) throw new Error(`unknown tenant ${tenant}`);
  const releaser =
    t.provider === 'atoms'
      ? portShaped(
          createAtomsReleaser({
            apiKey: t.apiKey,
            baseUrl: t.baseUrl,
            securityCheck: { minDelayMs: 20, maxDelayMs: 50 },
          }),
        )
      : createLangdockReleaser({ apiKey: t.apiKey, baseUrl: t.baseUrl });
  releasers.set(tenant, releaser);
  return releaser;
}

const ledger = await openSharedLedger(config.ledger);
const worker = await createRolloutWorker({
  connection: REDIS,
  prefix: config.prefix,
  resolveReleaser,
  ledger,
  lock: ledger.lock,
  concurrency: config.concurrency,
  lockDurationMs: config.lockDurationMs,
  rateKeyOf: (tenant) => config.tenants[tenant]?.apiKey ?? tenant,
  rateLimit: config.rateLimit ?? { points: 200, durationMs: 1000 },
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker
    .close()
    .then(() => ledger.close())
    .finally(() => {
      process.stdout.write(`cpu ${JSON.stringify(process.cpuUsage())}\n`);
      process.exit(0);
    });
});
