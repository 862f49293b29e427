import { ConfigurationError } from '@agent-release/core';
import { HttpClient, isLoopbackHost } from '@agent-release/core/provider';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const KEY = 'k_loopback_SENTINEL_7781';

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

describe('plain http only to literal loopback', () => {
  it.each([
    'http://evil.localhost',
    'http://evil.localhost:4010/v1',
    'http://a.b.localhost',
    'http://localhost.evil.test',
    'http://localhost.',
    'http://127.0.0.1.nip.io',
  ])('an API key over %s is a ConfigurationError and nothing is sent', async (baseUrl) => {
    const origin = new URL(baseUrl).origin;
    const scope = nock(origin).get(/.*/).reply(200, { ok: true });
    let client: HttpClient | undefined;
    const error = (() => {
      try {
        client = new HttpClient({ provider: 'vendor', baseUrl, apiKey: KEY });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/plain http/);
    expect((error as Error).message).not.toContain(KEY);
    expect(client).toBeUndefined();
    expect(scope.isDone()).toBe(false);
  });

  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.255.0.9', '::1', '[::1]', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each(['evil.localhost', 'localhost.', 'localhost.evil.test', '128.0.0.1', '::2', '0.0.0.0', ''])(
    '%s is not loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );

  it('sends to http://localhost and http://[::1]', async () => {
    for (const baseUrl of ['http://localhost:4010', 'http://[::1]:4010']) {
      nock(baseUrl).get('/x').reply(200, { ok: true });
      const http = new HttpClient({ provider: 'vendor', baseUrl, apiKey: KEY, retry: false });
      const res = await http.request({
        operation: 'read',
        method: 'GET',
        path: '/x',
        schema: z.object({ ok: z.boolean() }),
      });
      expect(res.data).toEqual({ ok: true });
    }
  });
});
