import { inspect } from 'node:util';
import {
  type AgentReleaseError,
  type AgentReleaser,
  ConfigurationError,
  ProviderUnavailableError,
  type ReleaseEvent,
  release,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
  ValidationError,
} from '@agent-release/core';
import { defaultErrorFor, HttpClient, type HttpFailure, registerSecret } from '@agent-release/core/provider';
import { InMemoryReleaser, ManualClock } from '@agent-release/core/testing';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

// A tiny seeded PRNG, so every run checks the same keys and a failure can be replayed.
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20261127);
const pick = (alphabet: string, length: number) =>
  Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');

const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

/** Keys of many shapes and lengths 8..80 (none `sk_…`-shaped, so only registration can catch them). */
const KEYS = [8, 9, 13, 40, 80].flatMap((length) => [
  pick(HEX, length),
  pick(B64, length),
  pick(MIXED, length),
  `${pick(MIXED, Math.max(1, length - 4))}.${pick(HEX, 3)}`.slice(0, length),
]);
for (const key of KEYS) registerSecret(key);

const FILL = '~';
const echo = (key: string, offset: number, total: number) =>
  `${FILL.repeat(offset)}${key}${FILL.repeat(Math.max(0, total - offset - key.length))}`;

/** Offsets that put `key` just before, across and just after a cut at `cut`. */
function offsetsAround(cut: number, key: string): number[] {
  const out: number[] = [];
  for (let o = cut - key.length - 2; o <= cut + 2; o++) if (o >= 0) out.push(o);
  return out;
}

/** Every text a user can see of `value`. */
function channels(value: unknown): string[] {
  const out = [String(value), inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value) ?? ''];
  if (value instanceof Error) {
    const e = value as AgentReleaseError;
    out.push(e.message, e.stack ?? '', inspect(e.cause, { depth: 10, showHidden: true }));
    out.push(e.vendorMessage ?? '', JSON.stringify(e.details) ?? '', JSON.stringify(e.toJSON()));
  }
  return out;
}

/** Fails when any run of 10 consecutive key characters (the whole key if shorter) shows anywhere. */
function expectNoKeyRun(value: unknown, key: string, where: string): void {
  const run = Math.min(10, key.length);
  const texts = channels(value);
  for (let i = 0; i + run <= key.length; i++) {
    const piece = key.slice(i, i + run);
    for (const text of texts) {
      if (text.includes(piece)) {
        throw new Error(
          `${where}: "${piece}" of key ${key} leaked in: …${text.slice(Math.max(0, text.indexOf(piece) - 40), text.indexOf(piece) + 40)}…`,
        );
      }
    }
  }
}

const failure = (over: Partial<HttpFailure>): HttpFailure => ({
  provider: 'vendor',
  operation: 'publish',
  method: 'POST',
  path: '/x',
  status: 400,
  headers: {},
  body: undefined,
  now: 0,
  ...over,
});

describe('redact first, then cut', () => {
  it.each(KEYS)('vendor texts around the 1,000-character cut never keep a piece of key %s', (key) => {
    for (const offset of offsetsAround(1000, key)) {
      const text = echo(key, offset, 1200);
      const bodies: Array<[string, unknown]> = [
        ['message', { message: text }],
        ['errors[]', { errors: [text, 'second'] }],
        ['errors[] later', { errors: ['x'.repeat(3), text] }],
        ['error.message', { error: { message: text } }],
        ['plain text', text],
      ];
      for (const status of [400, 429, 503]) {
        for (const [where, body] of bodies) {
          expectNoKeyRun(defaultErrorFor(failure({ status, body })), key, `${where} @${offset} (${status})`);
        }
      }
    }
  });

  it.each(KEYS)('headers and details around the 2,000-character cut never keep a piece of key %s', (key) => {
    for (const offset of offsetsAround(2000, key)) {
      const text = echo(key, offset, 2200);
      const error = defaultErrorFor(failure({ headers: { 'x-request-id': text } }), {
        details: { vendorType: text, nested: { list: [text] } },
      });
      expectNoKeyRun(error, key, `x-request-id @${offset}`);
    }
  });

  it.each(KEYS)('vendor check texts around the 200-character cut never keep a piece of key %s', (key) => {
    for (const offset of offsetsAround(200, key)) {
      const text = echo(key, offset, 260);
      expectNoKeyRun(
        new SecurityCheckFailedError('check failed', { reason: text, checkStatus: text }),
        key,
        `reason @${offset}`,
      );
      expectNoKeyRun(
        new SecurityCheckTimeoutError('check pending', { lastStatus: text }),
        key,
        `lastStatus @${offset}`,
      );
    }
  });

  it.each(KEYS)('causes around the 500-character cut never keep a piece of key %s', (key) => {
    for (const offset of offsetsAround(500, key)) {
      const text = echo(key, offset, 600);
      const fromObject = new ProviderUnavailableError('down', { cause: { name: 'X', message: text } });
      const fromError = new ProviderUnavailableError('down', { cause: new Error(text) });
      const fromString = new ProviderUnavailableError('down', { cause: text });
      for (const error of [fromObject, fromError, fromString]) expectNoKeyRun(error, key, `cause @${offset}`);
    }
  });
});

describe('redact first, then cut, end to end', () => {
  const BASE = 'https://api.vendor.test/v1';
  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });

  it.each(KEYS.filter((k) => k.length >= 13))(
    'a vendor echoing key %s across every cut leaks no piece of it through the HTTP client or a release',
    async (key) => {
      const http = new HttpClient({
        provider: 'vendor',
        baseUrl: BASE,
        apiKey: key,
        clock: new ManualClock(),
        retry: false,
      });
      const offsets = [...offsetsAround(1000, key), ...offsetsAround(2000, key)].filter(
        (_, i) => i % 7 === 0,
      );
      for (const offset of offsets) {
        const text = echo(key, offset, 2100);
        nock(BASE)
          .post('/publish')
          .reply(422, { errors: [text] }, { 'x-request-id': text });
        nock(BASE).post('/publish').reply(500, text, { 'content-type': 'text/plain', 'x-request-id': text });
        for (let i = 0; i < 2; i++) {
          const error = await http
            .request({ operation: 'publish', method: 'POST', path: '/publish', schema: z.unknown() })
            .catch((e: unknown) => e);
          expect((error as AgentReleaseError).code).toMatch(/VALIDATION|PROVIDER_UNAVAILABLE/);
          expectNoKeyRun(error, key, `http @${offset}`);

          // The same error thrown from inside a release reaches the observer and the caller.
          const inner = new InMemoryReleaser();
          const agentId = inner.createAgent();
          const failing: AgentReleaser = {
            provider: inner.provider,
            capabilities: inner.capabilities,
            editDraft: (id, changes, opts) => inner.editDraft(id, changes, opts),
            publish: async () => {
              throw error;
            },
            activate: (id, v, opts) => inner.activate(id, v, opts),
            getActiveVersion: (id, opts) => inner.getActiveVersion(id, opts),
          };
          const events: ReleaseEvent[] = [];
          const surfaced = await release(
            failing,
            agentId,
            { instructions: 'x' },
            { observer: (e) => events.push(e) },
          ).catch((e: unknown) => e);
          expectNoKeyRun(surfaced, key, `release @${offset}`);
          expectNoKeyRun(events, key, `observer @${offset}`);
        }
      }
    },
  );
});

describe('short keys', () => {
  it.each(['Q', 'QZ9', 'QZ9QZ9Q', 'sk_7319'])(
    'a key of %j (under 8 characters) is a ConfigurationError',
    (key) => {
      const error = (() => {
        try {
          new HttpClient({ provider: 'vendor', baseUrl: 'https://api.vendor.test', apiKey: key });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/at least 8 characters/);
      expect((error as Error).message).not.toContain(key);
    },
  );

  it('a key of 8 characters is accepted', () => {
    expect(
      () => new HttpClient({ provider: 'vendor', baseUrl: 'https://api.vendor.test', apiKey: 'k2345678' }),
    ).not.toThrow();
  });

  it('a longer registered key is redacted whole even when a shorter one is part of it', () => {
    const short = 'Zq9Zq9Zq9Zq9';
    const long = `${short}W7W7W7W7W7W7`;
    registerSecret(short);
    registerSecret(long);
    const error = new ValidationError(`rejected ${long}`);
    expectNoKeyRun(error, long, 'nested keys');
  });
});
