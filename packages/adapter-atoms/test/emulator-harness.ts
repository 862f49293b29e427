/**
 * The one emulator harness of this package's end-to-end tests: an Atoms emulator with a fast
 * security check, a releaser pointed at it, the request log helpers, and the conformance harness
 * of core's `describeReleaserConformance`. Emulators started here are closed after each test.
 */
import type { AgentChanges } from '@agent-release/core';
import type { ConformanceHarness } from '@agent-release/core/testing/conformance';
import { type AtomsEmulator, type AtomsEmulatorOptions, startAtomsEmulator } from '@agent-release/emulator';
import nock from 'nock';
import { afterEach, beforeAll } from 'vitest';
import { type AtomsReleaserOptions, createAtomsReleaser } from '../src/index.js';
import { captureLogger } from './fixtures.js';

export const TOOLS = [
  { type: 'end_call', name: 'end_call', description: 'Ends the call when the caller is done' },
  {
    type: 'transfer_call',
    name: 'transfer_to_human',
    description: 'Transfers to a human agent',
    transferNumber: '+14155550123',
    transferOption: { type: 'cold_transfer' },
  },
];

/** Fast waits for the 150 ms emulated check; the defaults are exercised by the slow-check test. */
export const FAST_CHECK = { minDelayMs: 20, maxDelayMs: 60, maxWaitMs: 10_000, expectedMs: 150 };

const open: Array<{ close(): Promise<void> }> = [];

/** Loopback only, and every emulator (or proxy) registered with `track` closed after each test. */
export function useEmulators(): void {
  beforeAll(() => {
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
  });
}

/** Closes `closable` after the current test. */
export function track<T extends { close(): Promise<void> }>(closable: T): T {
  open.push(closable);
  return closable;
}

/** An emulator (150 ms check), a releaser on it with a capturing logger, and one agent. */
export async function setupEmulator(
  emulatorOptions: AtomsEmulatorOptions = {},
  releaserOptions: Partial<AtomsReleaserOptions> = {},
) {
  const emulator = track(
    await startAtomsEmulator({
      ...emulatorOptions,
      securityCheck: { durationMs: 150, ...emulatorOptions.securityCheck },
    }),
  );
  const logger = captureLogger();
  const releaser = createAtomsReleaser({
    apiKey: emulator.apiKey,
    baseUrl: emulator.baseUrl,
    securityCheck: FAST_CHECK,
    retry: { baseDelayMs: 20 },
    logger,
    ...releaserOptions,
  });
  const agentId = emulator.state.createAgent({ name: 'support', prompt: 'Initial prompt', tools: TOOLS });
  return { emulator, releaser, agentId, logger };
}

/** The conformance harness over one emulator; `prepare` runs on every agent it creates. */
export async function conformanceHarness(
  emulatorOptions: AtomsEmulatorOptions,
  releaserOptions: Partial<AtomsReleaserOptions>,
  providerInvalidChanges: AgentChanges[],
  prepare: (emulator: AtomsEmulator, agentId: string) => void = () => {},
): Promise<ConformanceHarness> {
  const emulator = await startAtomsEmulator({ securityCheck: { durationMs: 150 }, ...emulatorOptions });
  const releaser = createAtomsReleaser({
    apiKey: emulator.apiKey,
    baseUrl: emulator.baseUrl,
    securityCheck: FAST_CHECK,
    ...releaserOptions,
  });
  return {
    releaser,
    createAgent: async () => {
      const agentId = emulator.state.createAgent({ name: 'conformance', prompt: 'Initial', tools: TOOLS });
      prepare(emulator, agentId);
      return agentId;
    },
    requestCount: () => emulator.requests.length,
    // v2: committed revisions of every branch (revisions are AgentVersion rows).
    versionIds: async (agentId: string) => emulator.state.versions(agentId).map((v) => v._id),
    activeVersionId: async (agentId: string) => emulator.state.activeVersionId(agentId) ?? undefined,
    activeInstructions: async (agentId: string) => livePrompt(emulator, agentId),
    unknownAgentId: '0123456789abcdef01234567',
    providerInvalidChanges,
    maxWaitMs: 10_000,
    close: () => emulator.close(),
  };
}

/**
 * The prompt the live version runs on: `globalPrompt` once set (v2 edits write it), else the
 * prompt the agent was created or edited with under v1.
 */
export function livePrompt(emulator: AtomsEmulator, agentId: string): string | undefined {
  const config = emulator.state.activeVersion(agentId)?.config;
  const global = config?.globalPrompt;
  return typeof global === 'string' && global !== '' ? global : config?.singlePromptConfig?.prompt;
}

/** The request log as `METHOD path status` lines. */
export const log = (emulator: AtomsEmulator) =>
  emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`);

/** How many requests matched `method` and `pattern`. */
export const count = (emulator: AtomsEmulator, method: string, pattern: RegExp) =>
  emulator.requests.filter((r) => r.method === method && pattern.test(r.path)).length;

/** A raw call to the emulator, for arranging state the way another client would. */
export async function call(emulator: AtomsEmulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${emulator.apiKey}`, 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as { data: Record<string, unknown> } };
}
