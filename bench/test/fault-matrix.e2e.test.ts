/**
 * Fault-injection matrix: every fault kind × every request of every lifecycle step × both
 * vendors, over real loopback HTTP against the emulators (no nock in this file).
 *
 * Each fault is armed when its step starts (from the release observer), so it hits the request
 * of that step even when the same route is used by an earlier step (GET /agent/{id} is read by
 * edit-draft and again by confirm). For every cell:
 * 1. the faulted release ends `released`, `unchanged` or with a typed AgentReleaseError, and the
 *    fault was actually consumed;
 * 2. it created at most one version (no duplicate);
 * 3. releasing the same changes again without faults converges: the desired config is live;
 * 4. a third release is `unchanged` and creates nothing.
 * With the retry policy on, every cell is expected to recover without an error at all.
 */
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import {
  type AgentChanges,
  type AgentReleaser,
  isAgentReleaseError,
  type ReleaseResult,
  type ReleaseStepName,
  release,
} from '@agent-release/core';
import {
  type AtomsEmulator,
  type FaultSpec,
  type LangdockEmulator,
  type RequestLogEntry,
  startAtomsEmulator,
  startLangdockEmulator,
} from '@agent-release/emulator';
import { describe, type ExpectStatic, expect, it } from 'vitest';

// Short client deadlines and retry delays keep the 70 cells fast; the "slow" fault holds a
// response well past the deadline.
const TIMEOUT_MS = 400;
const SLOW_MS = 1200;
const RETRY = { baseDelayMs: 5, maxDelayMs: 20 };

type FaultName =
  | '429 + Retry-After'
  | '503'
  | 'drop before write'
  | 'lost after write'
  | 'slower than deadline';

const FAULTS: Record<FaultName, (target: { method: string; path: RegExp }) => FaultSpec> = {
  '429 + Retry-After': (t) => ({ ...t, kind: 'status', status: 429, headers: { 'Retry-After': '1' } }),
  '503': (t) => ({ ...t, kind: 'status', status: 503 }),
  'drop before write': (t) => ({ ...t, kind: 'drop-before' }),
  'lost after write': (t) => ({ ...t, kind: 'drop-after' }),
  'slower than deadline': (t) => ({ ...t, kind: 'delay', delayMs: SLOW_MS }),
};

/** One request of one lifecycle step. */
interface StepTarget {
  /** The release step during which the fault is armed. */
  step: ReleaseStepName;
  request: string;
  method: string;
  path: RegExp;
  /** The faulted release re-releases what is already live (the `unchanged` path). */
  unchangedRelease?: boolean;
}

const ATOMS_STEPS: StepTarget[] = [
  { step: 'edit-draft', request: 'GET agent', method: 'GET', path: /^\/agent\/[a-f\d]{24}$/ },
  { step: 'edit-draft', request: 'POST fork draft', method: 'POST', path: /\/drafts$/ },
  { step: 'edit-draft', request: 'PATCH draft config', method: 'PATCH', path: /\/drafts\/[^/]+\/config$/ },
  { step: 'publish', request: 'GET draft diff', method: 'GET', path: /\/drafts\/[^/]+\/diff$/ },
  { step: 'publish', request: 'POST publish', method: 'POST', path: /\/drafts\/[^/]+\/publish$/ },
  // With `apiGeneration: 'auto'` (capabilities `activation: 'on-publish'`) a v1 agent's publish
  // waits for the security check and activates with a compare-and-swap: it reads the live
  // version, activates, and reads the versions again. There is no separate activate step.
  { step: 'publish', request: 'GET version (check poll)', method: 'GET', path: /\/versions\/[a-f\d]{24}$/ },
  {
    step: 'publish',
    request: 'GET agent (live before activate)',
    method: 'GET',
    path: /^\/agent\/[a-f\d]{24}$/,
  },
  {
    step: 'publish',
    request: 'PATCH activate',
    method: 'PATCH',
    path: /\/versions\/[a-f\d]{24}\/activate$/,
  },
  {
    step: 'publish',
    request: 'GET versions (live after activate)',
    method: 'GET',
    path: /^\/agent\/[a-f\d]{24}\/versions$/,
  },
  { step: 'confirm', request: 'GET agent', method: 'GET', path: /^\/agent\/[a-f\d]{24}$/ },
  {
    step: 'publish',
    request: 'DELETE empty draft',
    method: 'DELETE',
    path: /\/drafts\/[^/]+$/,
    unchangedRelease: true,
  },
];

const LANGDOCK_STEPS: StepTarget[] = [
  { step: 'edit-draft', request: 'GET agent', method: 'GET', path: /^\/agent\/v1\/get/ },
  { step: 'edit-draft', request: 'PATCH update', method: 'PATCH', path: /^\/agent\/v1\/update$/ },
  { step: 'publish', request: 'POST publish', method: 'POST', path: /^\/agent\/v1\/publish$/ },
  // A release of what is live already reads the agent and sends nothing else.
  {
    step: 'edit-draft',
    request: 'GET agent',
    method: 'GET',
    path: /^\/agent\/v1\/get/,
    unchangedRelease: true,
  },
];

/** What a cell needs from a vendor: an emulator, a releaser, and how to read the live config. */
interface VendorHarness {
  releaser: AgentReleaser;
  agentId: string;
  changes: AgentChanges;
  faults: AtomsEmulator['faults'];
  requests(): readonly RequestLogEntry[];
  versions(): number;
  isDesiredLive(): boolean;
  close(): Promise<void>;
}

async function atomsHarness(label: string): Promise<VendorHarness> {
  const emulator = await startAtomsEmulator({ securityCheck: { durationMs: 100 } });
  const agentId = emulator.state.createAgent({
    name: 'fault-matrix',
    prompt: 'Original prompt.',
    tools: [{ type: 'end_call', name: 'end_call', description: 'Hang up' }],
  });
  const changes = { instructions: `Prompt for ${label}.`, firstMessage: `Hello (${label}).` };
  return {
    releaser: createAtomsReleaser({
      apiKey: emulator.apiKey,
      baseUrl: emulator.baseUrl,
      timeoutMs: TIMEOUT_MS,
      retry: RETRY,
      securityCheck: { minDelayMs: 20, maxDelayMs: 50, maxWaitMs: 10_000 },
    }),
    agentId,
    changes,
    faults: emulator.faults,
    requests: () => emulator.requests,
    versions: () => emulator.state.versions(agentId).length,
    isDesiredLive: () => {
      const live = emulator.state.activeVersion(agentId)?.config;
      return (
        live?.singlePromptConfig?.prompt === changes.instructions &&
        live.firstMessage === changes.firstMessage &&
        // Editing the prompt must keep the agent's tools.
        live.singlePromptConfig.tools.length === 1
      );
    },
    close: () => emulator.close(),
  };
}

async function langdockHarness(label: string): Promise<VendorHarness> {
  const emulator: LangdockEmulator = await startLangdockEmulator();
  const agentId = emulator.state.createAgent({
    name: 'fault-matrix',
    instruction: 'Original.',
    publish: true,
  });
  const changes = { instructions: `Instruction for ${label}.` };
  return {
    releaser: createLangdockReleaser({
      apiKey: emulator.apiKey,
      baseUrl: emulator.baseUrl,
      timeoutMs: TIMEOUT_MS,
      retry: RETRY,
    }),
    agentId,
    changes,
    faults: emulator.faults,
    requests: () => emulator.requests,
    versions: () => emulator.state.versions(agentId).length,
    isDesiredLive: () => emulator.state.activeVersion(agentId)?.config.instruction === changes.instructions,
    close: () => emulator.close(),
  };
}

type Outcome = { kind: 'result'; result: ReleaseResult } | { kind: 'error'; error: unknown };

async function attempt(run: () => Promise<ReleaseResult>): Promise<Outcome> {
  try {
    return { kind: 'result', result: await run() };
  } catch (error) {
    return { kind: 'error', error };
  }
}

function describeOutcome(outcome: Outcome): string {
  if (outcome.kind === 'result') return outcome.result.status;
  const e = outcome.error;
  return isAgentReleaseError(e) ? `error ${e.code}: ${e.message}` : `untyped error: ${String(e)}`;
}

const vendors = [
  { name: 'atoms', steps: ATOMS_STEPS, harness: atomsHarness },
  { name: 'langdock', steps: LANGDOCK_STEPS, harness: langdockHarness },
] as const;

/**
 * Runs one cell. `times` > 1 keeps the fault armed for that many matching requests, beyond what
 * the retry policy re-sends: then the release may end in a typed error, and the point is that
 * it still created no duplicate and that running it again converges.
 */
async function runCell(
  harness: (label: string) => Promise<VendorHarness>,
  target: StepTarget,
  faultName: FaultName,
  times: number,
  cell: string,
  expect: ExpectStatic,
): Promise<void> {
  const h = await harness(cell);
  try {
    if (target.unchangedRelease) {
      // The desired config is live already; the faulted release must find nothing to do.
      expect((await release(h.releaser, h.agentId, h.changes)).status).toBe('released');
    }
    const before = h.versions();
    let armed = false;
    const outcome = await attempt(() =>
      release(h.releaser, h.agentId, h.changes, {
        observer: (event) => {
          if (!armed && event.type === 'step-start' && event.step === target.step) {
            armed = true;
            h.faults.add({ ...FAULTS[faultName]({ method: target.method, path: target.path }), times });
          }
        },
      }),
    );
    const afterFirst = h.versions();

    // 1. The fault fired, and the outcome is a result or a typed error.
    expect(armed, 'the step was reached').toBe(true);
    if (times === 1) expect(h.faults.pending(), 'the fault was consumed').toBe(0);
    else expect(h.faults.pending(), 'the fault fired').toBeLessThan(times);
    if (outcome.kind === 'error') {
      expect(isAgentReleaseError(outcome.error), describeOutcome(outcome)).toBe(true);
    }
    // With retries on, a single fault is always recovered from.
    if (times === 1) expect(outcome.kind, describeOutcome(outcome)).toBe('result');
    if (times === 1 && faultName === '429 + Retry-After') {
      // The same request was re-sent, and not before the vendor's Retry-After (1 s).
      const log = h.requests();
      const limited = log.findIndex((r) => r.status === 429);
      const resent = log
        .slice(limited + 1)
        .find((r) => r.method === target.method && target.path.test(r.path));
      expect(resent, 'the rate-limited request was re-sent').toBeDefined();
      expect(resent!.at - log[limited]!.at).toBeGreaterThanOrEqual(990);
    }
    // 2. No duplicate version.
    expect(afterFirst - before, 'new versions after the faulted release').toBeLessThanOrEqual(
      target.unchangedRelease ? 0 : 1,
    );
    if (outcome.kind === 'result') {
      if (target.unchangedRelease) expect(outcome.result.status).toBe('unchanged');
      expect(h.isDesiredLive(), 'desired config live after the faulted release').toBe(true);
    }

    // 3. Running it again converges, creating nothing when the first run already did.
    h.faults.clear();
    const second = await release(h.releaser, h.agentId, h.changes);
    expect(h.isDesiredLive(), 'desired config live after the second release').toBe(true);
    if (outcome.kind === 'result') {
      expect(second.status).toBe('unchanged');
      expect(h.versions()).toBe(afterFirst);
    } else {
      expect(h.versions() - afterFirst).toBeLessThanOrEqual(1);
    }

    // 4. A third release is a no-op.
    const settled = h.versions();
    expect((await release(h.releaser, h.agentId, h.changes)).status).toBe('unchanged');
    expect(h.versions()).toBe(settled);
  } finally {
    await h.close();
  }
}

for (const vendor of vendors) {
  describe.concurrent(`fault matrix: ${vendor.name}`, () => {
    for (const target of vendor.steps) {
      for (const faultName of Object.keys(FAULTS) as FaultName[]) {
        const cell = `${target.step} / ${target.request}${target.unchangedRelease ? ' [unchanged release]' : ''} × ${faultName}`;
        it(cell, ({ expect }) => runCell(vendor.harness, target, faultName, 1, cell, expect));
      }
    }
  });

  // Faults that outlast the retry policy (3 re-sends): typed errors are allowed here, duplicates
  // and non-convergence are not. 429 is left out: exhausting it only repeats the 503 path with
  // one-second waits.
  describe.concurrent(`persistent faults (retries exhausted): ${vendor.name}`, () => {
    for (const target of vendor.steps) {
      for (const faultName of [
        '503',
        'drop before write',
        'lost after write',
        'slower than deadline',
      ] as const) {
        const cell = `${target.step} / ${target.request}${target.unchangedRelease ? ' [unchanged release]' : ''} × ${faultName} ×20`;
        it(cell, ({ expect }) => runCell(vendor.harness, target, faultName, 20, cell, expect));
      }
    }
  });
}

describe('fault matrix coverage', () => {
  it('covers 5 fault kinds at every request of both lifecycles (plus 4 persistent kinds)', () => {
    const cells = vendors.reduce((n, v) => n + v.steps.length * Object.keys(FAULTS).length, 0);
    expect(cells).toBe((ATOMS_STEPS.length + LANGDOCK_STEPS.length) * 5);
    expect(cells).toBeGreaterThanOrEqual(60);
  });
});
