/**
 * Issue 13: how long `rollback(…, { to: 'previous' })` takes per vendor, and what the durable
 * ledger costs a release.
 *
 * Rollback: each run creates an agent, releases one change (recorded in an in-memory ledger) and
 * times the rollback to the version before it, on the emulators: Atoms v1 (re-activates the old
 * version), Atoms v2 (the branch model) and Langdock (keeps no old versions: re-publishes what the
 * ledger recorded). Runs of one vendor go `parallel` at a time on separate agents.
 *
 * Ledger: releases against the Langdock emulator (no security check, so the ledger is a visible
 * share) through a ledger wrapped to time every call it receives; the cost per release is the
 * summed time of those calls (begin, finish and the reads the release makes), for a SQLite file
 * and for PostgreSQL. Releases run one after another.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import { type AgentReleaser, type ReleaseLedger, release, rollback } from '@agent-release/core';
import { InMemoryLedger } from '@agent-release/core/testing';
import { startAtomsEmulator, startLangdockEmulator } from '@agent-release/emulator';
import { createPostgresLedger, createSqliteLedger, type LedgerStore } from '@agent-release/ledger';
import { nowMs, type Spread, spread } from './stats.js';

/** Rollback time of one vendor. */
export interface RollbackRow {
  vendor: 'atoms v1' | 'atoms v2' | 'langdock';
  runs: number;
  rolledBack: number;
  wallMs: Spread;
  /** Requests the rollback sent (median). */
  requests: Spread;
}

/** Ledger cost per release of one store. */
export interface LedgerRow {
  store: 'sqlite file' | 'postgresql';
  releases: number;
  /** Summed time of the ledger calls of one release. */
  ledgerMsPerRelease: Spread;
  ledgerCallsPerRelease: Spread;
  /** Wall time of the whole release, ledger included. */
  releaseMs: Spread;
}

/** Results of {@link measureRollbackAndLedger}. */
export interface RollbackLedgerResult {
  checkMs: number;
  parallel: number;
  rollback: RollbackRow[];
  ledger: LedgerRow[];
  /** Release wall time without a ledger, same emulator and sizes, for reference. */
  releaseWithoutLedgerMs: Spread;
}

interface Vendor {
  name: RollbackRow['vendor'];
  releaser: AgentReleaser;
  createAgent(name: string): string;
  requests(): number;
  close(): Promise<void>;
}

async function vendor(name: RollbackRow['vendor'], checkMs: number): Promise<Vendor> {
  if (name === 'langdock') {
    const emulator = await startLangdockEmulator();
    return {
      name,
      releaser: createLangdockReleaser({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl }),
      createAgent: (agent) =>
        emulator.state.createAgent({ name: agent, instruction: 'Original.', publish: true }),
      requests: () => emulator.requests.length,
      close: () => emulator.close(),
    };
  }
  const emulator = await startAtomsEmulator({
    securityCheck: { durationMs: checkMs },
    versioning: name === 'atoms v2' ? 'v2' : 'v1',
  });
  return {
    name,
    // The default generation ('auto'): v1 agents stay on v1, a v2 server is detected.
    releaser: createAtomsReleaser({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl }),
    createAgent: (agent) => emulator.state.createAgent({ name: agent, prompt: 'Original prompt.' }),
    requests: () => emulator.requests.length,
    close: () => emulator.close(),
  };
}

async function measureRollback(
  name: RollbackRow['vendor'],
  options: { runs: number; parallel: number; checkMs: number },
): Promise<RollbackRow> {
  const v = await vendor(name, options.checkMs);
  try {
    const ledger = new InMemoryLedger();
    const wall: number[] = [];
    const requests: number[] = [];
    let rolledBack = 0;
    const one = async (run: number): Promise<void> => {
      const agentId = v.createAgent(`rollback-${run}`);
      await release(v.releaser, agentId, { instructions: `Changed in run ${run}.` }, { ledger });
      const sentBefore = v.requests();
      const started = nowMs();
      const result = await rollback(v.releaser, agentId, { to: 'previous' }, { ledger });
      wall.push(nowMs() - started);
      // Exact while runs go one at a time; with parallel runs it is the batch's share.
      requests.push((v.requests() - sentBefore) / Math.min(options.parallel, options.runs));
      if (result.status === 'rolled-back') rolledBack += 1;
    };
    for (let first = 0; first < options.runs; first += options.parallel) {
      const batch = [];
      for (let run = first; run < Math.min(options.runs, first + options.parallel); run++)
        batch.push(one(run));
      await Promise.all(batch);
    }
    return { vendor: name, runs: options.runs, rolledBack, wallMs: spread(wall), requests: spread(requests) };
  } finally {
    await v.close();
  }
}

/** A ledger that adds up the time and count of the calls it receives. */
function timed(inner: ReleaseLedger): { ledger: ReleaseLedger; take(): { ms: number; calls: number } } {
  let ms = 0;
  let calls = 0;
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = nowMs();
      try {
        return await fn(...args);
      } finally {
        ms += nowMs() - started;
        calls += 1;
      }
    };
  const ledger: ReleaseLedger = {
    begin: wrap((start) => inner.begin(start)),
    finish: wrap((id, finish) => inner.finish(id, finish)),
    get: wrap((id) => inner.get(id)),
    history: wrap((query) => inner.history(query)),
    lastMadeLive: wrap((query) => inner.lastMadeLive(query)),
    close: () => inner.close(),
  };
  return {
    ledger,
    take: () => {
      const out = { ms, calls };
      ms = 0;
      calls = 0;
      return out;
    },
  };
}

async function measureLedger(
  store: LedgerRow['store'],
  open: () => Promise<LedgerStore>,
  releases: number,
): Promise<LedgerRow> {
  // Opened first: a store that cannot open leaves no emulator listening.
  const inner = await open();
  const emulator = await startLangdockEmulator();
  try {
    const releaser = createLangdockReleaser({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });
    const agentId = emulator.state.createAgent({ name: 'ledger', instruction: 'Original.', publish: true });
    const { ledger, take } = timed(inner);
    const ms: number[] = [];
    const calls: number[] = [];
    const wall: number[] = [];
    // One discarded release warms the connection and the prepared statements.
    for (let i = 0; i <= releases; i++) {
      const started = nowMs();
      await release(releaser, agentId, { instructions: `Instruction ${i} (${store}).` }, { ledger });
      const cost = take();
      if (i === 0) continue;
      wall.push(nowMs() - started);
      ms.push(cost.ms);
      calls.push(cost.calls);
    }
    return {
      store,
      releases,
      ledgerMsPerRelease: spread(ms),
      ledgerCallsPerRelease: spread(calls),
      releaseMs: spread(wall),
    };
  } finally {
    await inner.close();
    await emulator.close();
  }
}

async function releaseWithoutLedger(releases: number): Promise<Spread> {
  const emulator = await startLangdockEmulator();
  try {
    const releaser = createLangdockReleaser({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });
    const agentId = emulator.state.createAgent({
      name: 'no-ledger',
      instruction: 'Original.',
      publish: true,
    });
    const wall: number[] = [];
    for (let i = 0; i <= releases; i++) {
      const started = nowMs();
      await release(releaser, agentId, { instructions: `Instruction ${i}.` });
      if (i > 0) wall.push(nowMs() - started);
    }
    return spread(wall);
  } finally {
    await emulator.close();
  }
}

/** Options of {@link measureRollbackAndLedger}. */
export interface RollbackLedgerOptions {
  rollbackRuns: number;
  parallel: number;
  /** The Atoms emulator's security-check duration. */
  checkMs: number;
  ledgerReleases: number;
  /** PostgreSQL to measure; the ledger uses its own schema there. */
  postgresUrl: string;
}

/** Rollback time per vendor, then the ledger cost per release per store. */
export async function measureRollbackAndLedger(
  options: RollbackLedgerOptions,
): Promise<RollbackLedgerResult> {
  const rollbackRows: RollbackRow[] = [];
  for (const name of ['atoms v1', 'atoms v2', 'langdock'] as const) {
    rollbackRows.push(
      await measureRollback(name, {
        runs: options.rollbackRuns,
        parallel: options.parallel,
        checkMs: options.checkMs,
      }),
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'bench-ledger-'));
  try {
    const ledger = [
      await measureLedger(
        'sqlite file',
        () => createSqliteLedger({ path: join(dir, 'ledger.db') }),
        options.ledgerReleases,
      ),
      await measureLedger(
        'postgresql',
        () => createPostgresLedger({ connectionString: options.postgresUrl, schema: 'agent_release_bench' }),
        options.ledgerReleases,
      ),
    ];
    return {
      checkMs: options.checkMs,
      parallel: options.parallel,
      rollback: rollbackRows,
      ledger,
      releaseWithoutLedgerMs: await releaseWithoutLedger(options.ledgerReleases),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
