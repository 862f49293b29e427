import {
  type AtomsEmulator,
  type LangdockEmulator,
  startAtomsEmulator,
  startLangdockEmulator,
} from '@agent-release/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { client, manualClock } from './helpers.js';

let atoms: AtomsEmulator | undefined;
let langdock: LangdockEmulator | undefined;

afterEach(async () => {
  await atoms?.close();
  await langdock?.close();
  atoms = undefined;
  langdock = undefined;
});

describe('rate limiting (token bucket per API key)', () => {
  it('Atoms: 429 with Retry-After and the documented body, per key, refilled over time', async () => {
    const clock = manualClock();
    atoms = await startAtomsEmulator({
      clock,
      apiKey: 'sk_a',
      apiKeys: ['sk_b'],
      rateLimit: { requestsPerSecond: 0.5, burst: 2 },
    });
    const call = client(atoms);
    const path = '/agent/0123456789abcdef01234567';
    expect((await call('GET', path)).status).toBe(400);
    expect((await call('GET', path)).status).toBe(400);
    const limited = await call('GET', path);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.body).toEqual({
      status: false,
      error: 'Rate limit exceeded',
      code: 'RATE_LIMIT_EXCEEDED',
      retry_after: 2,
    });

    // Another tenant's key has its own bucket.
    expect((await call('GET', path, undefined, { key: 'sk_b' })).status).toBe(400);

    clock.advance(2000);
    expect((await call('GET', path)).status).toBe(400);
    expect((await call('GET', path)).status).toBe(429);
  });

  it('Atoms: a 429 does not apply the request', async () => {
    atoms = await startAtomsEmulator({ rateLimit: { requestsPerSecond: 1, burst: 1 }, clock: manualClock() });
    const call = client(atoms);
    expect((await call('POST', '/agent', { name: 'a' })).status).toBe(201);
    expect((await call('POST', '/agent', { name: 'b' })).status).toBe(429);
    expect(atoms.state.agentIds()).toHaveLength(1);
  });

  it('Langdock: 429 {message} with Retry-After of at least 1 second', async () => {
    langdock = await startLangdockEmulator({
      rateLimit: { requestsPerSecond: 100, burst: 1 },
      clock: manualClock(),
    });
    const call = client(langdock);
    expect((await call('GET', '/agent/v1/list')).status).toBe(200);
    const limited = await call('GET', '/agent/v1/list');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ message: 'Rate limit exceeded' });
    expect(limited.headers.get('retry-after')).toBe('1');
  });

  it('does not charge unauthenticated requests to any bucket', async () => {
    langdock = await startLangdockEmulator({
      rateLimit: { requestsPerSecond: 1, burst: 1 },
      clock: manualClock(),
    });
    const call = client(langdock);
    expect((await call('GET', '/agent/v1/list', undefined, { key: 'bad' })).status).toBe(401);
    expect((await call('GET', '/agent/v1/list')).status).toBe(200);
  });
});

describe('latency', () => {
  it('adds latencyMs before every response', async () => {
    langdock = await startLangdockEmulator({ latencyMs: 120 });
    const call = client(langdock);
    const started = Date.now();
    expect((await call('GET', '/agent/v1/list', undefined, { key: 'bad' })).status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe('request log', () => {
  it('records method, relative path, query, body, status and time, in arrival order', async () => {
    const clock = manualClock();
    atoms = await startAtomsEmulator({ clock });
    const call = client(atoms);
    const created = await call('POST', '/agent', { name: 'logged' });
    await call('GET', `/agent/${created.body.data}?versionId=${'a'.repeat(24)}&draftId=d`);
    await call('PATCH', `/agent/${created.body.data}/versions/${'b'.repeat(24)}/activate`);
    expect(atoms.requests).toEqual([
      { method: 'POST', path: '/agent', query: {}, body: { name: 'logged' }, status: 201, at: clock.now() },
      {
        method: 'GET',
        path: `/agent/${created.body.data}`,
        query: { versionId: 'a'.repeat(24), draftId: 'd' },
        body: undefined,
        status: 404,
        at: clock.now(),
      },
      {
        method: 'PATCH',
        path: `/agent/${created.body.data}/versions/${'b'.repeat(24)}/activate`,
        query: {},
        body: undefined,
        status: 404,
        at: clock.now(),
      },
    ]);
    expect(atoms.requests.length).toBe(3);
  });

  it('never stores the API key or the Authorization header, even for rejected keys', async () => {
    langdock = await startLangdockEmulator({ apiKey: 'sk-ld-very-secret-key' });
    const call = client(langdock);
    await call('POST', '/agent/v1/create', { name: 'x' });
    await call('GET', '/agent/v1/list', undefined, { key: 'sk-ld-another-secret' });
    const dump = JSON.stringify(langdock.requests);
    expect(dump).not.toContain('very-secret');
    expect(dump).not.toContain('another-secret');
    expect(dump.toLowerCase()).not.toContain('authorization');
    expect(langdock.requests.map((r) => r.status)).toEqual([201, 401]);
  });

  it('returns copies, and clearRequests empties it', async () => {
    langdock = await startLangdockEmulator();
    const call = client(langdock);
    await call('POST', '/agent/v1/create', { name: 'x' });
    const snapshot = langdock.requests;
    (snapshot[0]!.body as { name: string }).name = 'mutated';
    expect((langdock.requests[0]!.body as { name: string }).name).toBe('x');
    langdock.clearRequests();
    expect(langdock.requests).toEqual([]);
  });

  it('shows which requests were not sent (e.g. no activate after a failed check)', async () => {
    atoms = await startAtomsEmulator();
    const call = client(atoms);
    await call('POST', '/agent', { name: 'x' });
    expect(atoms.requests.some((r) => r.path.endsWith('/activate'))).toBe(false);
  });
});

describe('state helpers return copies', () => {
  it('mutating a returned snapshot does not change the emulator', async () => {
    atoms = await startAtomsEmulator();
    const id = atoms.state.createAgent({ name: 'x', prompt: 'p' });
    const version = atoms.state.activeVersion(id)!;
    version.config.singlePromptConfig!.prompt = 'mutated';
    expect(atoms.state.activeVersion(id)?.config.singlePromptConfig?.prompt).toBe('p');

    langdock = await startLangdockEmulator();
    const lid = langdock.state.createAgent({ name: 'y', publish: true });
    langdock.state.draft(lid)!.name = 'mutated';
    langdock.state.versions(lid)[0]!.config.name = 'mutated';
    expect(langdock.state.draft(lid)?.name).toBe('y');
    expect(langdock.state.activeVersion(lid)?.config.name).toBe('y');
  });

  it('createAgent validates like the HTTP endpoint', async () => {
    atoms = await startAtomsEmulator();
    expect(() => atoms!.state.createAgent({ name: '' })).toThrow(/name/);
    langdock = await startLangdockEmulator();
    expect(() => langdock!.state.createAgent({ name: 'n'.repeat(81) })).toThrow(/name/);
  });
});

describe('close()', () => {
  it('closes open sockets and pending delayed responses without hanging', async () => {
    atoms = await startAtomsEmulator({ latencyMs: 5000 });
    const call = client(atoms);
    const pending = call('POST', '/agent', { name: 'slow' }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await atoms.close();
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await pending).toBeInstanceOf(Error);
    await atoms.close(); // idempotent
    atoms = undefined;
  });
});
