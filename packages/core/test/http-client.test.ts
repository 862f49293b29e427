import {
  AbortedError,
  AuthenticationError,
  ConfigurationError,
  type Logger,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitedError,
  UnexpectedResponseError,
  ValidationError,
} from '@agent-release/core';
import { HttpClient, type HttpClientOptions } from '@agent-release/core/provider';
import { ManualClock } from '@agent-release/core/testing';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectNoSecret } from './leak-helpers.js';

const SENTINEL = 'sk_SENTINEL_http_do_not_leak_0002';
const BASE = 'https://api.vendor.test/v1';
const ok = z.object({ ok: z.boolean() });

const netError = (code: string, message: string) => Object.assign(new Error(message), { code });

interface Captured {
  level: string;
  message: string;
  fields?: Record<string, unknown> | undefined;
}

function client(overrides: Partial<HttpClientOptions> = {}) {
  const clock = new ManualClock();
  const logs: Captured[] = [];
  const logger: Logger = {
    debug: (message, fields) => logs.push({ level: 'debug', message, fields }),
    info: (message, fields) => logs.push({ level: 'info', message, fields }),
    warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
    error: (message, fields) => logs.push({ level: 'error', message, fields }),
  };
  const http = new HttpClient({
    provider: 'vendor',
    baseUrl: BASE,
    apiKey: SENTINEL,
    clock,
    logger,
    random: () => 0.5,
    retry: { baseDelayMs: 100, maxDelayMs: 1000, maxRetries: 3 },
    ...overrides,
  });
  return { http, clock, logs };
}

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('HttpClient requests', () => {
  it('sends bearer auth, JSON body, query and validates the response', async () => {
    const scope = nock(BASE, {
      reqheaders: { authorization: `Bearer ${SENTINEL}`, accept: 'application/json' },
    })
      .post('/agent/a1/things', { name: 'x' })
      .query({ limit: '5' })
      .matchHeader('content-type', 'application/json')
      .reply(201, { ok: true, extra: 'ignored' });
    const { http } = client();
    const res = await http.request({
      operation: 'create',
      method: 'POST',
      path: '/agent/a1/things',
      query: { limit: 5, skip: undefined },
      body: { name: 'x' },
      schema: ok,
    });
    expect(res).toMatchObject({ status: 201, data: { ok: true }, attempts: 1 });
    expect(res.data).toEqual({ ok: true });
    expect(scope.isDone()).toBe(true);
  });

  it('sends no Content-Type on a request without a body', async () => {
    nock(BASE, { badheaders: ['content-type'] })
      .patch('/agent/a1/activate', (body) => body === '' || body === undefined)
      .reply(200, { ok: true });
    await client().http.request({
      operation: 'activate',
      method: 'PATCH',
      path: '/agent/a1/activate',
      schema: ok,
    });
  });

  it('names the offending field when the response shape is unexpected', async () => {
    nock(BASE).get('/x').reply(200, { ok: 'yes' });
    const error = await client()
      .http.request({ operation: 'read', method: 'GET', path: '/x', schema: ok })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as UnexpectedResponseError).field).toBe('ok');
    expect((error as Error).message).toContain('"ok"');
  });

  it('treats a non-JSON success body as an unexpected shape', async () => {
    nock(BASE).get('/x').reply(200, '<html>gateway</html>');
    await expect(
      client().http.request({ operation: 'read', method: 'GET', path: '/x', schema: ok }),
    ).rejects.toBeInstanceOf(UnexpectedResponseError);
  });

  it('does not follow redirects (the key could go to another host)', async () => {
    nock(BASE).get('/x').reply(302, '', { location: 'https://elsewhere.test/steal' });
    const error = await client()
      .http.request({ operation: 'read', method: 'GET', path: '/x', schema: ok })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('uses the adapter mapper first and falls back to the default mapping', async () => {
    nock(BASE)
      .get('/a')
      .reply(400, { status: false, errors: ['No agent found'] });
    nock(BASE).get('/b').reply(401, { message: 'bad key' });
    const { http } = client({
      mapError: (f) =>
        f.status === 400 && JSON.stringify(f.body).includes('No agent found')
          ? new NotFoundError('agent not found', { provider: f.provider, status: f.status })
          : undefined,
    });
    await expect(
      http.request({ operation: 'get', method: 'GET', path: '/a', schema: ok }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const auth = await http
      .request({ operation: 'get', method: 'GET', path: '/b', schema: ok })
      .catch((e) => e);
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect(auth).toMatchObject({
      status: 401,
      vendorMessage: 'bad key',
      provider: 'vendor',
      operation: 'get',
    });
  });

  it('builds the base once and lets errorCases handle only what is special about the vendor', async () => {
    nock(BASE).get('/a').reply(403, { message: 'missing scope' }, { 'x-request-id': 'req-9' });
    nock(BASE).get('/b').reply(404, { message: 'gone' }, { 'x-request-id': 'req-10' });
    const { http } = client({
      errorCases: (f, base) =>
        f.status === 403
          ? new NotFoundError(`${base.what}: hidden as not found${base.suffix}`, base.fields)
          : undefined,
    });
    const special = await http
      .request({ operation: 'get', method: 'GET', path: '/a', schema: ok })
      .catch((e) => e);
    expect(special).toBeInstanceOf(NotFoundError);
    expect(special).toMatchObject({
      message: 'vendor get: hidden as not found: missing scope',
      status: 403,
      vendorMessage: 'missing scope',
      details: { requestId: 'req-9' },
    });
    const fallback = await http
      .request({ operation: 'get', method: 'GET', path: '/b', schema: ok })
      .catch((e) => e);
    expect(fallback).toMatchObject({
      message: 'vendor get: not found (404): gone',
      details: { requestId: 'req-10' },
    });
  });
});

describe('HttpClient retries', () => {
  it('retries an idempotent GET on 503 with full-jitter backoff, then succeeds', async () => {
    nock(BASE).get('/x').times(2).reply(503, 'busy').get('/x').reply(200, { ok: true });
    const { http, clock } = client();
    const res = await http.request({ operation: 'read', method: 'GET', path: '/x', schema: ok });
    expect(res.attempts).toBe(3);
    // random 0.5 → half of base·2ⁿ: 50 then 100.
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('gives up after maxRetries and reports the last error', async () => {
    nock(BASE).get('/x').times(4).reply(502, { message: 'bad gateway' });
    const { http, clock } = client();
    const error = await http
      .request({ operation: 'read', method: 'GET', path: '/x', schema: ok })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ status: 502, reason: 'server-error', retryable: true });
    expect(clock.sleeps).toHaveLength(3);
  });

  it('honours Retry-After seconds on 429, also for a non-idempotent POST', async () => {
    nock(BASE)
      .post('/publish')
      .reply(429, { message: 'slow down' }, { 'retry-after': '2' })
      .post('/publish')
      .reply(200, { ok: true });
    const { http, clock } = client();
    const res = await http.request({
      operation: 'publish',
      method: 'POST',
      path: '/publish',
      body: {},
      schema: ok,
    });
    expect(res.attempts).toBe(2);
    expect(clock.sleeps).toEqual([2000]);
  });

  it('honours an HTTP-date Retry-After against the injected clock', async () => {
    const { http, clock } = client();
    const at = new Date(clock.now() + 7000).toUTCString();
    nock(BASE).get('/x').reply(503, '', { 'retry-after': at }).get('/x').reply(200, { ok: true });
    await http.request({ operation: 'read', method: 'GET', path: '/x', schema: ok });
    expect(clock.sleeps).toEqual([7000]);
  });

  it('uses the retryAfterMs a mapper read from the body', async () => {
    nock(BASE).get('/x').reply(429, { retry_after: 3 }).get('/x').reply(200, { ok: true });
    const { http, clock } = client({
      mapError: (f) =>
        f.status === 429
          ? new RateLimitedError('limited', {
              retryAfterMs: (f.body as { retry_after: number }).retry_after * 1000,
            })
          : undefined,
    });
    await http.request({ operation: 'read', method: 'GET', path: '/x', schema: ok });
    expect(clock.sleeps).toEqual([3000]);
  });

  it('does not wait longer than maxRetryAfterMs: fails with retryAfterMs for the caller', async () => {
    nock(BASE).get('/x').reply(429, '', { 'retry-after': '3600' });
    const { http, clock } = client();
    const error = await http
      .request({ operation: 'read', method: 'GET', path: '/x', schema: ok })
      .catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(clock.sleeps).toEqual([]);
  });

  it('never re-sends a POST after a 503: it may have been applied', async () => {
    nock(BASE).post('/publish').reply(503, { message: 'oops' });
    const { http, clock } = client();
    const error = await http
      .request({ operation: 'publish', method: 'POST', path: '/publish', body: {}, schema: ok })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.mayHaveTakenEffect).toBe(true);
    expect(clock.sleeps).toEqual([]);
  });

  it('never re-sends a POST whose connection dropped after sending', async () => {
    nock(BASE).post('/publish').replyWithError(netError('ECONNRESET', 'socket hang up'));
    const { http } = client();
    const error = await http
      .request({ operation: 'publish', method: 'POST', path: '/publish', body: {}, schema: ok })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ reason: 'network', mayHaveTakenEffect: true });
  });

  it('re-sends a POST whose connection was refused (it never arrived)', async () => {
    nock(BASE)
      .post('/publish')
      .replyWithError(netError('ECONNREFUSED', 'connect ECONNREFUSED'))
      .post('/publish')
      .reply(200, { ok: true });
    const res = await client().http.request({
      operation: 'publish',
      method: 'POST',
      path: '/publish',
      body: {},
      schema: ok,
    });
    expect(res.attempts).toBe(2);
  });

  it('re-sends a POST marked idempotent after a 503', async () => {
    nock(BASE).post('/search').reply(503).post('/search').reply(200, { ok: true });
    const res = await client().http.request({
      operation: 'search',
      method: 'POST',
      path: '/search',
      body: {},
      idempotent: true,
      schema: ok,
    });
    expect(res.attempts).toBe(2);
  });

  it('does not retry non-retryable statuses', async () => {
    nock(BASE).get('/x').reply(404, { message: 'nope' });
    const { http, clock } = client();
    await expect(
      http.request({ operation: 'read', method: 'GET', path: '/x', schema: ok }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(clock.sleeps).toEqual([]);
  });

  it('retry: false sends once', async () => {
    nock(BASE).get('/x').reply(503);
    const { http } = client({ retry: false });
    await expect(
      http.request({ operation: 'read', method: 'GET', path: '/x', schema: ok }),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
  });
});

describe('HttpClient deadlines and abort', () => {
  it('enforces a total per-attempt deadline (not an idle timeout)', async () => {
    nock(BASE).post('/slow').delay(500).reply(200, { ok: true });
    const error = await client({ timeoutMs: 50 })
      .http.request({ operation: 'publish', method: 'POST', path: '/slow', body: {}, schema: ok })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ reason: 'timeout', mayHaveTakenEffect: true });
    expect(error.message).toContain('50 ms');
  });

  it('retries an idempotent GET that timed out', async () => {
    // Far apart, so a loaded machine cannot make the quick second answer miss the deadline too.
    nock(BASE).get('/slow').delay(5_000).reply(200, { ok: true }).get('/slow').reply(200, { ok: true });
    const res = await client({ timeoutMs: 400 }).http.request({
      operation: 'read',
      method: 'GET',
      path: '/slow',
      schema: ok,
    });
    expect(res.attempts).toBe(2);
  });

  it('an aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      client().http.request({
        operation: 'read',
        method: 'GET',
        path: '/x',
        schema: ok,
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(AbortedError);
  });

  it('aborting mid-request rejects with AbortedError and does not retry', async () => {
    nock(BASE).get('/slow').delay(500).reply(200, { ok: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(
      client().http.request({
        operation: 'read',
        method: 'GET',
        path: '/slow',
        schema: ok,
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('HttpClient transport security', () => {
  it.each([
    'http://api.vendor.test/v1',
    'http://10.0.0.5/v1',
    'http://127.example.com',
    'ftp://api.vendor.test',
    'not a url',
    'https://user:pass@api.vendor.test',
    'https://api.vendor.test/v1?key=1',
  ])('refuses %s before any connection', (baseUrl) => {
    expect(() => new HttpClient({ provider: 'vendor', baseUrl, apiKey: SENTINEL })).toThrow(
      ConfigurationError,
    );
  });

  it.each([
    'http://localhost:4010',
    'http://127.0.0.1:4010/atoms/v1',
    'http://127.1.2.3',
    'http://[::1]:8080',
    'https://api.vendor.test/',
  ])('accepts %s', (baseUrl) => {
    expect(new HttpClient({ provider: 'vendor', baseUrl, apiKey: SENTINEL }).baseUrl).not.toMatch(/\/$/);
  });

  it.each(['', '   ', 'key with space', 'key\nInjected: header'])('refuses API key %j', (apiKey) => {
    expect(() => new HttpClient({ provider: 'vendor', baseUrl: BASE, apiKey })).toThrow(ConfigurationError);
  });

  it('does not forward a caller-supplied Authorization header', async () => {
    nock(BASE, { reqheaders: { authorization: `Bearer ${SENTINEL}`, 'x-extra': '1' } })
      .get('/x')
      .reply(200, { ok: true });
    await client({ headers: { Authorization: 'Bearer other', 'x-extra': '1' } }).http.request({
      operation: 'read',
      method: 'GET',
      path: '/x',
      schema: ok,
    });
  });
});

describe('HttpClient never leaks the API key', () => {
  const cases: Array<[string, () => void]> = [
    [
      '400',
      () =>
        nock(BASE)
          .get('/x')
          .reply(400, { errors: [`bad key ${SENTINEL}`] }),
    ],
    ['401', () => nock(BASE).get('/x').reply(401, `Unauthorized: ${SENTINEL}`)],
    [
      '403',
      () =>
        nock(BASE)
          .get('/x')
          .reply(403, { error: { message: `forbidden for ${SENTINEL}` } }),
    ],
    ['404', () => nock(BASE).get('/x').reply(404)],
    ['409', () => nock(BASE).get('/x').reply(409, { message: 'conflict' })],
    ['429', () => nock(BASE).get('/x').times(4).reply(429, { message: SENTINEL }, { 'retry-after': '0' })],
    [
      '500',
      () =>
        nock(BASE)
          .get('/x')
          .reply(500, { message: `internal ${SENTINEL}` }),
    ],
    ['503', () => nock(BASE).get('/x').times(4).reply(503)],
    ['network', () => nock(BASE).get('/x').times(4).replyWithError(netError('ECONNRESET', SENTINEL))],
    ['shape', () => nock(BASE).get('/x').reply(200, { ok: SENTINEL })],
    ['timeout', () => nock(BASE).get('/x').times(4).delay(300).reply(200, { ok: true })],
  ];
  it.each(cases)('%s', async (_label, arrange) => {
    arrange();
    const { http, logs } = client({ timeoutMs: 40 });
    const error = await http
      .request({ operation: 'read', method: 'GET', path: '/x', schema: ok })
      .catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expectNoSecret(error, SENTINEL);
    expectNoSecret(logs, SENTINEL);
    expectNoSecret(http, SENTINEL);
    expect(JSON.stringify(http)).not.toContain(SENTINEL);
  });

  it('abort and validation paths', async () => {
    const controller = new AbortController();
    controller.abort();
    const { http, logs } = client();
    const aborted = await http
      .request({ operation: 'read', method: 'GET', path: '/x', schema: ok, signal: controller.signal })
      .catch((e) => e);
    expectNoSecret(aborted, SENTINEL);
    const config = (() => {
      try {
        return new HttpClient({ provider: 'vendor', baseUrl: 'http://evil.test', apiKey: SENTINEL });
      } catch (e) {
        return e;
      }
    })();
    expect(config).toBeInstanceOf(ConfigurationError);
    expectNoSecret(config, SENTINEL);
    expect(new ValidationError(`bad ${SENTINEL}`).message).not.toContain(SENTINEL);
    expectNoSecret(logs, SENTINEL);
  });
});
