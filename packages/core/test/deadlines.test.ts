import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AbortedError,
  type AgentReleaser,
  ConfigurationError,
  ProviderUnavailableError,
  type PublishOptions,
  RateLimitedError,
  type ReleaseEvent,
  release,
} from '@agent-release/core';
import { HttpClient, type HttpClientOptions, waitUntil } from '@agent-release/core/provider';
import { InMemoryReleaser, ManualClock } from '@agent-release/core/testing';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const KEY = 'k_deadline_SENTINEL_0004';
const BASE = 'https://api.vendor.test/v1';

/** A loopback server that never answers; it records requests and when their connection closed. */
async function stallingServer() {
  const seen: IncomingMessage[] = [];
  const closed: string[] = [];
  const server: Server = createServer((req) => {
    seen.push(req);
    req.socket.on('close', () => closed.push(req.url ?? ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen,
    closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits (in real time, for I/O) until `condition` holds; the test's own timeout bounds it. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('waitUntil: maxWaitMs is a bound', () => {
  it('cuts a poll in flight at the deadline: its signal fires and the result is timeout', async () => {
    const clock = new ManualClock();
    let pollSignal: AbortSignal | undefined;
    const waiting = waitUntil(
      (_attempt, signal) => {
        pollSignal = signal;
        return new Promise<never>(() => undefined); // a read that never ends, ignoring its signal
      },
      { minDelayMs: 100, maxDelayMs: 100, maxWaitMs: 500, clock },
    );
    await flush();
    expect(pollSignal?.aborted).toBe(false);
    clock.advance(499);
    await flush();
    clock.advance(1);
    const result = await waiting;
    expect(result).toMatchObject({ state: 'timeout', attempts: 1, elapsedMs: 500 });
    expect(pollSignal?.aborted).toBe(true);
  });

  it('a poll that fails because the deadline cut it is a timeout, not its error', async () => {
    const clock = new ManualClock();
    const waiting = waitUntil(
      (_attempt, signal) =>
        new Promise<never>((_resolve, reject) =>
          signal?.addEventListener('abort', () =>
            reject(new ProviderUnavailableError('read cut', { reason: 'timeout' })),
          ),
        ),
      { minDelayMs: 100, maxDelayMs: 100, maxWaitMs: 300, clock },
    );
    await flush();
    clock.advance(300);
    expect(await waiting).toMatchObject({ state: 'timeout', attempts: 1 });
  });

  it('the caller aborting is still aborted, not timeout', async () => {
    const controller = new AbortController();
    const waiting = waitUntil(
      (_attempt, signal) =>
        new Promise<never>((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(new AbortedError('cut'))),
        ),
      {
        minDelayMs: 100,
        maxDelayMs: 100,
        maxWaitMs: 300,
        clock: new ManualClock(),
        signal: controller.signal,
      },
    );
    await flush();
    controller.abort();
    expect(await waiting).toMatchObject({ state: 'aborted' });
  });

  it('maxWaitMs 0 looks once and lets that look finish', async () => {
    const clock = new ManualClock();
    const result = await waitUntil(
      async () => {
        clock.advance(50);
        return { state: 'retry' as const, reason: 'pending' };
      },
      { minDelayMs: 10, maxDelayMs: 10, maxWaitMs: 0, clock },
    );
    expect(result).toMatchObject({ state: 'timeout', attempts: 1, reason: 'pending' });
  });

  it('a stalled HTTP read through HttpClient ends at the waiter deadline and the connection is closed', async () => {
    const server = await stallingServer();
    try {
      const http = new HttpClient({ provider: 'vendor', baseUrl: server.baseUrl, apiKey: KEY, retry: false });
      const clock = new ManualClock();
      const waiting = waitUntil(
        async (_attempt, signal) => {
          await http.request({
            operation: 'read',
            method: 'GET',
            path: '/versions/v1',
            schema: z.unknown(),
            signal,
          });
          return { state: 'retry' as const };
        },
        { minDelayMs: 10, maxDelayMs: 10, maxWaitMs: 500, clock },
      );
      await until(() => server.seen.length === 1);
      clock.advance(500);
      expect((await waiting).state).toBe('timeout');
      expect(server.seen.map((r) => r.url)).toEqual(['/versions/v1']);
      await until(() => server.closed.length === 1);
      expect(server.closed).toEqual(['/versions/v1']);
    } finally {
      await server.close();
    }
  });
});

describe('HttpClient: a total deadline across retries', () => {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => {
    nock.enableNetConnect();
  });

  const client = (over: Partial<HttpClientOptions> = {}) => {
    const clock = new ManualClock();
    const http = new HttpClient({
      provider: 'vendor',
      baseUrl: BASE,
      apiKey: KEY,
      clock,
      random: () => 0.5,
      ...over,
    });
    return { http, clock };
  };
  const read = (http: HttpClient, over: { totalTimeoutMs?: number } = {}) =>
    http
      .request({ operation: 'read', method: 'GET', path: '/x', schema: z.unknown(), ...over })
      .catch((e: unknown) => e);

  it('a 429 storm with Retry-After: 60 fails at once with retryAfterMs instead of costing minutes', async () => {
    const scope = nock(BASE).get('/x').reply(429, '', { 'retry-after': '60' });
    const { http, clock } = client();
    const error = await read(http);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(60_000);
    expect(clock.sleeps).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('retries while the waits fit in the default total deadline (60 s), then fails with the last answer', async () => {
    nock(BASE).get('/x').times(3).reply(429, '', { 'retry-after': '20' });
    const { http, clock } = client();
    expect(http.totalTimeoutMs).toBe(60_000);
    const error = await read(http);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(20_000);
    expect(clock.sleeps).toEqual([20_000, 20_000]);
  });

  it('takes a per-client and a per-call total deadline', async () => {
    nock(BASE).get('/x').times(3).reply(429, '', { 'retry-after': '2' });
    const { http, clock } = client({ totalTimeoutMs: 600_000 });
    const error = await read(http, { totalTimeoutMs: 5000 });
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(clock.sleeps).toEqual([2000, 2000]);
  });

  it('a 503 storm stops before a backoff would cross the deadline', async () => {
    nock(BASE).get('/x').times(2).reply(503, { message: 'busy' });
    const { http, clock } = client({ totalTimeoutMs: 700, retry: { baseDelayMs: 500, maxDelayMs: 5000 } });
    const error = await read(http);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(clock.sleeps).toEqual([250]);
  });

  it.each([0, -1, 2 ** 31, 1.5])('refuses totalTimeoutMs %s', (totalTimeoutMs) => {
    expect(() => client({ totalTimeoutMs })).toThrow(ConfigurationError);
  });

  it('cuts a stalled attempt at the total deadline, whatever the per-attempt timeout', async () => {
    nock.enableNetConnect('127.0.0.1');
    const server = await stallingServer();
    try {
      const clock = new ManualClock();
      const http = new HttpClient({
        provider: 'vendor',
        baseUrl: server.baseUrl,
        apiKey: KEY,
        timeoutMs: 60_000,
        totalTimeoutMs: 150,
        clock,
      });
      const pending = http
        .request({ operation: 'read', method: 'GET', path: '/slow', schema: z.unknown() })
        .catch((e: unknown) => e);
      await until(() => server.seen.length === 1);
      clock.advance(150);
      const error = await pending;
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(error).toMatchObject({ reason: 'timeout', mayHaveTakenEffect: false });
      expect((error as Error).message).toMatch(/total deadline of 150 ms/);
      expect(server.seen).toHaveLength(1);
    } finally {
      nock.disableNetConnect();
      await server.close();
    }
  });
});

describe('release() passes maxWaitMs and gate progress to publish', () => {
  it('publish receives maxWaitMs and its gate progress becomes gate-progress events', async () => {
    const inner = new InMemoryReleaser({ activation: 'on-publish' });
    const agentId = inner.createAgent();
    const seen: PublishOptions[] = [];
    const releaser: AgentReleaser = {
      provider: inner.provider,
      capabilities: inner.capabilities,
      editDraft: (id, changes, opts) => inner.editDraft(id, changes, opts),
      publish: async (draft, opts = {}) => {
        seen.push(opts);
        opts.onGateProgress?.({ status: 'pending', attempt: 1, elapsedMs: 0 });
        return inner.publish(draft, opts);
      },
      activate: (id, v, opts) => inner.activate(id, v, opts),
      getActiveVersion: (id, opts) => inner.getActiveVersion(id, opts),
    };
    const events: ReleaseEvent[] = [];
    await release(
      releaser,
      agentId,
      { instructions: 'x' },
      { maxWaitMs: 1234, observer: (e) => events.push(e) },
    );
    expect(seen[0]?.maxWaitMs).toBe(1234);
    expect(events.filter((e) => e.type === 'gate-progress')).toEqual([
      {
        type: 'gate-progress',
        provider: 'memory',
        agentId,
        progress: { status: 'pending', attempt: 1, elapsedMs: 0 },
      },
    ]);
  });
});
