/**
 * Secret-leak suite (nock): a sentinel API key through every error path of both adapters —
 * each mapped HTTP status (with vendors echoing the key in bodies and headers), network errors,
 * timeouts, validation, configuration, abort, unexpected shapes, a failed security check — and
 * through the logger. The key must occur nowhere: not in `String(e)`, `e.stack`,
 * `JSON.stringify(e)`, `util.inspect(e, { depth: 20, showHidden: true })`, any string reachable
 * from the error's own properties, nor any logger call.
 *
 * Two sentinels: one shaped like a vendor key (`sk_…`, which the pattern scrubber also knows)
 * and one with no recognisable shape, which only the registered-secret scrubber can catch.
 */
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import { type AgentReleaser, isAgentReleaseError, release } from '@agent-release/core';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger, errorRenderings, leaksOf, logRenderings, rejectionOf } from './helpers.js';

const SENTINELS = ['sk_SENTINEL_leak_suite_0007', 'PLAINxSENTINELx0007xNOxPREFIX'] as const;

const ATOMS_ORIGIN = 'https://api.smallest.ai';
const ATOMS_AGENT = '65f0a0b0c0d0e0f001020304';
const ATOMS_VERSION = '65f0a0b0c0d0e0f0010203ff';
const LANGDOCK_ORIGIN = 'https://api.langdock.com';
const LANGDOCK_AGENT = '550e8400-e29b-41d4-a716-446655440000';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const echo = (key: string) => `bad key ${key} (Authorization: Bearer ${key}; api_key=${key})`;

interface Vendor {
  name: 'atoms' | 'langdock';
  make(key: string, logger: ReturnType<typeof captureLogger>, extra?: Record<string, unknown>): AgentReleaser;
  /** Intercepts the read that `getActiveVersion` sends first. */
  read(key: string): nock.Interceptor;
  agentId: string;
}

const vendors: Vendor[] = [
  {
    name: 'atoms',
    make: (apiKey, logger, extra = {}) =>
      createAtomsReleaser({
        apiKey,
        logger,
        timeoutMs: 200,
        retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
        ...extra,
      }),
    read: (key) =>
      nock(ATOMS_ORIGIN, { reqheaders: { authorization: `Bearer ${key}` } }).get(
        `/atoms/v1/agent/${ATOMS_AGENT}`,
      ),
    agentId: ATOMS_AGENT,
  },
  {
    name: 'langdock',
    make: (apiKey, logger, extra = {}) =>
      createLangdockReleaser({
        apiKey,
        logger,
        timeoutMs: 200,
        retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
        ...extra,
      }),
    read: (key) =>
      nock(LANGDOCK_ORIGIN, { reqheaders: { authorization: `Bearer ${key}` } })
        .get('/agent/v1/get')
        .query({ agentId: LANGDOCK_AGENT }),
    agentId: LANGDOCK_AGENT,
  },
];

const STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504, 418] as const;

function expectNoLeak(error: unknown, logger: ReturnType<typeof captureLogger>, key: string): void {
  expect(isAgentReleaseError(error), `typed error, got ${String(error)}`).toBe(true);
  expect(leaksOf(errorRenderings(error), key)).toEqual([]);
  expect(leaksOf(logRenderings(logger.entries), key)).toEqual([]);
}

describe.each(SENTINELS)('sentinel %s', (key) => {
  describe.each(vendors)('$name', (vendor) => {
    it.each(STATUSES)('HTTP %i echoing the key in the body and headers', async (status) => {
      // Retryable statuses are answered twice (first try + one retry).
      vendor
        .read(key)
        .times(2)
        .reply(
          status,
          { status: false, errors: [echo(key)], message: echo(key), error: echo(key), details: { key } },
          { 'Retry-After': '120', 'WWW-Authenticate': `Bearer ${key}`, 'X-Debug-Key': key },
        );
      const logger = captureLogger();
      const error = await rejectionOf(vendor.make(key, logger).getActiveVersion(vendor.agentId));
      expectNoLeak(error, logger, key);
      if (status === 401) expect((error as { code: string }).code).toBe('AUTHENTICATION');
    });

    it('a plain-text error body echoing the key', async () => {
      vendor.read(key).times(2).reply(502, echo(key), { 'Content-Type': 'text/plain' });
      const logger = captureLogger();
      expectNoLeak(await rejectionOf(vendor.make(key, logger).getActiveVersion(vendor.agentId)), logger, key);
    });

    it('a 2xx of an unexpected shape echoing the key', async () => {
      vendor.read(key).reply(200, { unexpected: echo(key) });
      const logger = captureLogger();
      const error = await rejectionOf(vendor.make(key, logger).getActiveVersion(vendor.agentId));
      expectNoLeak(error, logger, key);
      expect((error as { code: string }).code).toBe('UNEXPECTED_RESPONSE');
    });

    it('a network error whose message carries the key', async () => {
      const reset = Object.assign(new Error(`socket hang up ${echo(key)}`), {
        code: 'ECONNRESET',
        config: { headers: { Authorization: `Bearer ${key}` } },
      });
      vendor.read(key).times(2).replyWithError(reset);
      const logger = captureLogger();
      const error = await rejectionOf(vendor.make(key, logger).getActiveVersion(vendor.agentId));
      expectNoLeak(error, logger, key);
      expect((error as { code: string }).code).toBe('PROVIDER_UNAVAILABLE');
    });

    // Timeouts and aborts are in secret-leak.e2e.test.ts, against the emulator's slow responses:
    // nock answering a request the client has already abandoned crashes inside its interceptor.

    it('validation errors whose input contains the key', async () => {
      const logger = captureLogger();
      const releaser = vendor.make(key, logger);
      const attempts = [
        () => release(releaser, key, { instructions: 'x' }),
        () => release(releaser, vendor.agentId, { model: key }),
        () => release(releaser, vendor.agentId, { instructions: 'x' }, { label: key.repeat(300) }),
        () => release(releaser, vendor.agentId, { instructions: 'x' }, { description: key.repeat(300) }),
        () =>
          release(releaser, vendor.agentId, {
            providerOptions: { [vendor.name]: { name: 5, key } },
          } as never),
        () => releaser.activate(vendor.agentId, `${key}/../x`),
        () => releaser.getActiveVersion(`${key}?x=1`),
      ];
      for (const attempt of attempts) {
        // Some are refused locally (ValidationError), `model: key` is a valid Langdock model name
        // and fails at the (unmocked) network instead: either way a typed error without the key.
        expectNoLeak(await rejectionOf(attempt()), logger, key);
      }
    });

    // zod names unknown keys and record keys in its issues: a caller who puts the key where a
    // field name goes (a typo'd config, `providerOptions.<key>`) must not get it back.
    it('validation issues naming the key as a field', async () => {
      const logger = captureLogger();
      const releaser = vendor.make(key, logger);
      for (const attempt of [
        () => release(releaser, vendor.agentId, { instructions: 'x', [key]: 1 } as never),
        () => release(releaser, vendor.agentId, { providerOptions: { [key]: 5 } } as never),
      ]) {
        expectNoLeak(await rejectionOf(attempt()), logger, key);
      }
    });

    it('configuration errors', () => {
      const logger = captureLogger();
      for (const extra of [
        { baseUrl: 'http://example.com' },
        { timeoutMs: -5 },
        { retry: { maxRetries: key } },
      ]) {
        let error: unknown;
        try {
          vendor.make(key, logger, extra);
        } catch (e) {
          error = e;
        }
        expectNoLeak(error, logger, key);
        expect((error as { code: string }).code).toBe('CONFIGURATION');
      }
    });

    it('a successful release logs nothing secret', async () => {
      if (vendor.name === 'atoms') {
        const v2 = '65f0a0b0c0d0e0f0010203fe';
        const agent = (active: string) => ({
          status: true,
          data: { _id: ATOMS_AGENT, activeVersionId: active, _resolvedConfig: { tools: [] } },
        });
        const row = (isActive: boolean) => ({
          _id: v2,
          versionNumber: 2,
          isActive,
          securityCheck: { status: 'passed' },
          createdAt: '2026-11-27T10:00:00.000Z',
          ...(isActive ? { activatedAt: '2026-11-27T10:00:07.000Z' } : {}),
        });
        const base = `/atoms/v1/agent/${ATOMS_AGENT}`;
        // Same-route interceptors are used in the order they were added: edit and the
        // compare-and-swap read before activating see v1 live, confirm reads v2.
        const scope = nock(ATOMS_ORIGIN, { reqheaders: { authorization: `Bearer ${key}` } })
          .get(base)
          .reply(200, agent(ATOMS_VERSION))
          .post(`${base}/drafts`)
          .reply(201, {
            status: true,
            data: { _id: 'draft_1', draftId: 'draft_1', sourceVersionId: ATOMS_VERSION },
          })
          .patch(`${base}/drafts/draft_1/config`)
          .reply(200, { status: true, data: { draftRevision: 2 } })
          .get(`${base}/drafts/draft_1/diff`)
          .reply(200, { status: true, data: { hasChanges: true } })
          // The newest version before publishing, to tell a lost publish from one never sent.
          .get(`${base}/versions`)
          .query({ limit: 1, skip: 0 })
          .reply(200, {
            status: true,
            data: { versions: [{ _id: ATOMS_VERSION, versionNumber: 1 }], total: 1 },
          })
          .post(`${base}/drafts/draft_1/publish`)
          .reply(200, { status: true, data: row(false) })
          .get(`${base}/versions/${v2}`)
          .reply(200, { status: true, data: { version: row(false) } })
          .get(base)
          .reply(200, agent(ATOMS_VERSION))
          .patch(`${base}/versions/${v2}/activate`)
          .reply(200, { status: true, data: row(true) })
          // The compare-and-swap read after activating: nobody else activated in between.
          .get(`${base}/versions`)
          .query({ limit: 10, skip: 0 })
          .reply(200, {
            status: true,
            data: { versions: [row(true), { _id: ATOMS_VERSION, versionNumber: 1 }], total: 2 },
          })
          .get(base)
          .reply(200, agent(v2));
        const logger = captureLogger();
        const result = await release(vendor.make(key, logger), ATOMS_AGENT, { instructions: 'Hello' });
        expect(result.status).toBe('released');
        expect(scope.pendingMocks()).toEqual([]);
        expect(logger.entries.length).toBeGreaterThan(0);
        expect(leaksOf(logRenderings(logger.entries), key)).toEqual([]);
        expect(leaksOf([JSON.stringify(result)], key)).toEqual([]);
      } else {
        const scope = nock(LANGDOCK_ORIGIN, { reqheaders: { authorization: `Bearer ${key}` } });
        const live = { id: LANGDOCK_AGENT, name: 'Bot', instruction: 'Old', model: 'gpt-4o' };
        scope
          .get('/agent/v1/get')
          .query({ agentId: LANGDOCK_AGENT })
          .reply(200, { status: 'success', agent: live });
        // The update's answer shows the draft: ours, with nobody else's edits in it.
        scope
          .patch('/agent/v1/update')
          .reply(200, { status: 'success', agent: { ...live, instruction: 'Hello' } });
        scope.post('/agent/v1/publish').reply(200, {
          status: 'success',
          version: { id: '11111111-2222-3333-4444-555555555555', version: 2 },
        });
        const logger = captureLogger();
        const result = await release(vendor.make(key, logger), LANGDOCK_AGENT, { instructions: 'Hello' });
        expect(result.status).toBe('released');
        expect(leaksOf(logRenderings(logger.entries), key)).toEqual([]);
        expect(leaksOf([JSON.stringify(result)], key)).toEqual([]);
      }
    });
  });

  it('atoms: a failed security check whose reason echoes the key', async () => {
    nock(ATOMS_ORIGIN)
      .get(`/atoms/v1/agent/${ATOMS_AGENT}/versions/${ATOMS_VERSION}`)
      .reply(200, {
        status: true,
        data: {
          version: {
            _id: ATOMS_VERSION,
            isActive: false,
            securityCheck: { status: 'failed', reason: `prompt contains ${echo(key)}` },
          },
        },
      });
    const logger = captureLogger();
    const error = await rejectionOf(vendors[0]!.make(key, logger).activate(ATOMS_AGENT, ATOMS_VERSION));
    expectNoLeak(error, logger, key);
    expect((error as { code: string }).code).toBe('SECURITY_CHECK_FAILED');
  });

  it('atoms: an activate refusal whose text echoes the key', async () => {
    nock(ATOMS_ORIGIN)
      .get(`/atoms/v1/agent/${ATOMS_AGENT}/versions/${ATOMS_VERSION}`)
      .reply(200, { status: true, data: { version: { _id: ATOMS_VERSION, isActive: false } } })
      .patch(`/atoms/v1/agent/${ATOMS_AGENT}/versions/${ATOMS_VERSION}/activate`)
      .reply(400, { status: false, errors: [`Security check failed: ${echo(key)}`] });
    const logger = captureLogger();
    const error = await rejectionOf(vendors[0]!.make(key, logger).activate(ATOMS_AGENT, ATOMS_VERSION));
    expectNoLeak(error, logger, key);
  });

  it('the releasers themselves print no key', () => {
    const logger = captureLogger();
    for (const vendor of vendors) {
      const releaser = vendor.make(key, logger);
      expect(
        leaksOf([JSON.stringify(releaser), String(releaser), ...errorRenderings(releaser)], key),
      ).toEqual([]);
    }
  });
});
