import { inspect } from 'node:util';
import type { Logger } from '@agent-release/core';
import { ManualClock } from '@agent-release/core/testing';
import nock from 'nock';
import { expect } from 'vitest';
import { createLangdockReleaser, type LangdockReleaserOptions } from '../src/index.js';

/** A key that must never show up in an error or a log line. */
export const SENTINEL_KEY = 'sk_SENTINEL_do_not_leak_123';
export const BASE = 'https://api.langdock.com';
export const AGENT = '550e8400-e29b-41d4-a716-446655440000';
export const OTHER_AGENT = '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f';
export const VERSION = {
  id: '7d2c7a10-1b2c-4d3e-9f40-5a6b7c8d9e0f',
  version: 4,
  createdAt: '2026-01-01T00:00:00.000Z',
};

/** A logger that keeps every line, to assert on what would be logged. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push(`${level} ${message} ${inspect(fields, { depth: 10 })}`);
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A releaser on a manual clock (retries and backoff never wait) with a capturing logger. */
export function makeReleaser(options: Partial<LangdockReleaserOptions> = {}) {
  const clock = new ManualClock();
  const logger = captureLogger();
  const releaser = createLangdockReleaser({
    apiKey: SENTINEL_KEY,
    clock,
    logger,
    random: () => 0.5,
    ...options,
  });
  return { releaser, clock, logger };
}

/** The publish success body Langdock documents. */
export function publishBody(version = VERSION) {
  return { status: 'success', message: 'Agent published successfully', version };
}

/** Awaits a rejection and returns the error (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Asserts that `secret` appears in no rendering of `error` and in no captured log line. */
export function expectNoSecret(
  error: unknown,
  logLines: readonly string[] = [],
  secret = SENTINEL_KEY,
): void {
  const renderings = [
    String(error),
    (error as Error | undefined)?.stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
    ...logLines,
  ];
  for (const text of renderings) expect(text).not.toContain(secret);
}

/** The live agent as `GET /agent/v1/get` returns it (prompt `v1`, model `gpt-4o`). */
export const LIVE_AGENT: Readonly<Record<string, unknown>> = Object.freeze({
  id: AGENT,
  name: 'Support bot',
  description: '',
  emoji: null,
  instruction: 'v1',
  inputType: 'PROMPT',
  model: 'gpt-4o',
  creativity: 0.3,
  conversationStarters: [],
  actions: [{ actionId: VERSION.id, requiresConfirmation: true }],
  inputFields: [],
  attachments: [],
  webSearch: false,
  imageGeneration: false,
  dataAnalyst: false,
  canvas: false,
  extendedThinking: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  disabled: false,
});

/** Answers the next `GET /agent/v1/get?agentId=AGENT` with `agent` (the live one by default). */
export function nockLiveAgent(
  agent: Readonly<Record<string, unknown>> = LIVE_AGENT,
  base = BASE,
): nock.Scope {
  return nock(base)
    .get('/agent/v1/get')
    .query({ agentId: String(agent.id ?? AGENT) })
    .reply(200, { status: 'success', agent });
}

/** An update answer showing the draft: the live agent with `draft` written over it. */
export function updatedBody(draft: Readonly<Record<string, unknown>>) {
  return {
    status: 'success',
    message: 'Agent updated successfully',
    agent: { ...LIVE_AGENT, ...draft, updatedAt: '2026-01-02T00:00:00.000Z' },
  };
}
