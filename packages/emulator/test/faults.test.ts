import {
  type AtomsEmulator,
  FaultInjector,
  type LangdockEmulator,
  startAtomsEmulator,
  startLangdockEmulator,
} from '@agent-release/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { client, sleep } from './helpers.js';

let atoms: AtomsEmulator | undefined;
let langdock: LangdockEmulator | undefined;

afterEach(async () => {
  await atoms?.close();
  await langdock?.close();
  atoms = undefined;
  langdock = undefined;
});

async function atomsWithDraft() {
  atoms = await startAtomsEmulator({ securityCheck: { durationMs: 0 } });
  const call = client(atoms);
  const agentId = atoms.state.createAgent({ name: 'faults' });
  const fork = await call('POST', `/agent/${agentId}/drafts`, {
    sourceVersionId: atoms.state.activeVersionId(agentId),
  });
  return { emu: atoms, call, agentId, draftId: fork.body.data.draftId as string };
}

const PUBLISH = /^\/agent\/[^/]+\/drafts\/[^/]+\/publish$/;

describe('FaultInjector', () => {
  it('consumes faults in order of addition, each `times` times, and counts pending injections', () => {
    const faults = new FaultInjector();
    faults
      .add({ path: '/a', kind: 'status', status: 500, times: 2 })
      .add({ path: /^\/a/, kind: 'drop-before' });
    expect(faults.pending()).toBe(3);
    expect(faults.take('GET', '/b')).toBeUndefined();
    expect(faults.take('GET', '/a')?.kind).toBe('status');
    expect(faults.take('POST', '/a')?.kind).toBe('status');
    expect(faults.take('GET', '/a/x')?.kind).toBe('drop-before');
    expect(faults.take('GET', '/a')).toBeUndefined();
    expect(faults.pending()).toBe(0);
  });

  it('matches the method case-insensitively and clears', () => {
    const faults = new FaultInjector();
    faults.add({ method: 'post', path: /x/g, kind: 'delay', delayMs: 5 });
    expect(faults.take('GET', '/x')).toBeUndefined();
    expect(faults.take('POST', '/x')).toMatchObject({ kind: 'delay', delayMs: 5 });
    faults.add({ path: '/y', kind: 'status' });
    faults.clear();
    expect(faults.pending()).toBe(0);
    expect(() => faults.add({ path: '/z', kind: 'status', times: 0 })).toThrow(RangeError);
  });
});

describe('scripted faults over HTTP', () => {
  it('status: answers the scripted response without applying the request', async () => {
    const { emu, call, agentId, draftId } = await atomsWithDraft();
    emu.faults.add({
      method: 'POST',
      path: PUBLISH,
      kind: 'status',
      status: 503,
      headers: { 'Retry-After': '2' },
      body: { status: false, errors: ['Service Unavailable'] },
    });
    const res = await call('POST', `/agent/${agentId}/drafts/${draftId}/publish`, {});
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.body).toEqual({ status: false, errors: ['Service Unavailable'] });
    expect(emu.state.versions(agentId)).toHaveLength(1);
    expect(emu.faults.pending()).toBe(0);
    // The next attempt goes through.
    expect((await call('POST', `/agent/${agentId}/drafts/${draftId}/publish`, {})).status).toBe(201);
  });

  it('status: sends the vendor envelope by default, raw strings as-is, and works before auth', async () => {
    atoms = await startAtomsEmulator();
    const call = client(atoms);
    atoms.faults.add({ path: '/agent', kind: 'status', status: 502 });
    atoms.faults.add({ path: '/agent', kind: 'status', status: 500, body: '<html>oops</html>' });
    const first = await call('POST', '/agent', { name: 'x' }, { key: null });
    expect(first.status).toBe(502);
    expect(first.body).toEqual({ status: false, errors: ['Bad Gateway'] });
    const second = await call('POST', '/agent', { name: 'x' });
    expect(second.text).toBe('<html>oops</html>');
    expect(atoms.state.agentIds()).toEqual([]);
  });

  it('drop-before: the client sees a socket error and nothing changed', async () => {
    const { emu, call, agentId, draftId } = await atomsWithDraft();
    emu.faults.add({ path: PUBLISH, kind: 'drop-before' });
    await expect(call('POST', `/agent/${agentId}/drafts/${draftId}/publish`, {})).rejects.toThrow();
    expect(emu.state.versions(agentId)).toHaveLength(1);
    expect(emu.state.drafts(agentId)).toHaveLength(1);
    expect(emu.requests.at(-1)).toMatchObject({ method: 'POST', status: 'dropped' });
  });

  it('drop-after: the write is applied but the response is lost', async () => {
    const { emu, call, agentId, draftId } = await atomsWithDraft();
    emu.faults.add({ method: 'POST', path: PUBLISH, kind: 'drop-after' });
    await expect(call('POST', `/agent/${agentId}/drafts/${draftId}/publish`, {})).rejects.toThrow();
    const versions = emu.state.versions(agentId);
    expect(versions).toHaveLength(2);
    expect(versions[0]!.versionNumber).toBe(2);
    expect(emu.state.drafts(agentId)).toEqual([]);
    // A blind retry now fails: the draft was consumed by the lost publish.
    expect((await call('POST', `/agent/${agentId}/drafts/${draftId}/publish`, {})).status).toBe(404);
    expect(emu.requests.map((r) => r.status)).toEqual([201, 'dropped', 404]);
  });

  it('drop-after on Langdock publish: retried publish answers 409', async () => {
    langdock = await startLangdockEmulator();
    const call = client(langdock);
    const id = langdock.state.createAgent({ name: 'Bot' });
    langdock.faults.add({ path: '/agent/v1/publish', kind: 'drop-after' });
    await expect(call('POST', '/agent/v1/publish', { agentId: id })).rejects.toThrow();
    expect(langdock.state.activeVersion(id)?.version).toBe(1);
    const retry = await call('POST', '/agent/v1/publish', { agentId: id });
    expect(retry.status).toBe(409);
  });

  it('delay: applies the request and holds the response (client deadline elapses first)', async () => {
    const { emu, call, agentId, draftId } = await atomsWithDraft();
    emu.faults.add({ path: PUBLISH, kind: 'delay', delayMs: 400 });
    await expect(
      call('POST', `/agent/${agentId}/drafts/${draftId}/publish`, {}, { signal: AbortSignal.timeout(100) }),
    ).rejects.toThrow();
    expect(emu.state.versions(agentId)).toHaveLength(2);
    // Once the held response is due, the log records that the client was gone.
    for (let i = 0; i < 40 && emu.requests.length < 2; i++) await sleep(25);
    expect(emu.requests.at(-1)).toMatchObject({ path: expect.stringMatching(PUBLISH), status: 'dropped' });
  });

  it('delay: a patient client gets the normal response, no earlier than delayMs', async () => {
    langdock = await startLangdockEmulator();
    const call = client(langdock);
    langdock.faults.add({ method: 'GET', path: '/agent/v1/list', kind: 'delay', delayMs: 150 });
    const started = Date.now();
    const res = await call('GET', '/agent/v1/list');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('status faults on Langdock default to a {message} body', async () => {
    langdock = await startLangdockEmulator();
    const call = client(langdock);
    langdock.faults.add({ path: '/agent/v1/create', kind: 'status', status: 500, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await call('POST', '/agent/v1/create', { name: 'x' });
      expect(res.status).toBe(500);
      expect(res.body.message).toEqual(expect.any(String));
    }
    expect((await call('POST', '/agent/v1/create', { name: 'x' })).status).toBe(201);
    expect(langdock.state.agentIds()).toHaveLength(1);
  });
});
