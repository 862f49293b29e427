import {
  type AtomsEmulator,
  type LangdockEmulator,
  startAtomsEmulator,
  startLangdockEmulator,
} from '@agent-release/emulator';
import type { LedgerStore } from '@agent-release/ledger';
import { createSqliteLedger } from '@agent-release/ledger';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { buildContainer } from '../src/container.js';
import type { HistoryEntry } from '../src/history-entry.js';
import { tenantDirectoryFrom } from '../src/tenants-config.js';

// Rollback and history routes over Fastify's inject, against the emulators, with a real SQLite
// ledger (in memory) injected through TOKENS.ReleaseLedger and its lease through TOKENS.ReleaseLock.
let atoms: AtomsEmulator;
let langdock: LangdockEmulator;
let ledger: LedgerStore;
let app: FastifyInstance;

beforeAll(async () => {
  atoms = await startAtomsEmulator({ securityCheck: { durationMs: 100 } });
  langdock = await startLangdockEmulator();
  ledger = await createSqliteLedger({ path: ':memory:' });
  const directory = tenantDirectoryFrom({
    tenants: {
      acme: {
        provider: 'atoms',
        apiKey: atoms.apiKey,
        baseUrl: atoms.baseUrl,
        options: {
          securityCheck: { minDelayMs: 30, maxDelayMs: 60 },
          retry: { baseDelayMs: 5, maxDelayMs: 20 },
        },
      },
      globex: { provider: 'langdock', apiKey: langdock.apiKey, baseUrl: langdock.baseUrl },
      'globex-eu': { provider: 'langdock', apiKey: langdock.apiKey, baseUrl: langdock.baseUrl },
    },
  });
  app = buildApp(await buildContainer({ directory, ledger, lock: ledger.lock }));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await ledger?.close();
  await atoms?.close();
  await langdock?.close();
});

beforeEach(() => {
  atoms.faults.clear();
  langdock.faults.clear();
});

const url = (tenant: string, agent: string, what: 'releases' | 'rollbacks' | 'history') =>
  `/tenants/${tenant}/agents/${agent}/${what}`;
const newAtomsAgent = () =>
  atoms.state.createAgent({
    name: 'a',
    prompt: 'seed prompt',
    tools: [{ type: 'end_call', name: 'end_call', description: 'End the call' }],
  });
const newLangdockAgent = () => langdock.state.createAgent({ name: 'l', instruction: 'seed', publish: true });

async function releaseVia(tenant: string, agentId: string, instructions: string, actor = 'alice') {
  const res = await app.inject({
    method: 'POST',
    url: url(tenant, agentId, 'releases'),
    headers: { 'x-actor': actor },
    payload: { changes: { instructions } },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { version: { id: string } };
}

async function historyOf(tenant: string, agentId: string, query = '') {
  const res = await app.inject({ method: 'GET', url: `${url(tenant, agentId, 'history')}${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { provider: string; entries: HistoryEntry[] };
}

const writes = (requests: ReadonlyArray<{ method: string }>) => requests.filter((r) => r.method !== 'GET');

describe('POST /tenants/:tenantId/agents/:agentId/rollbacks on Langdock', () => {
  it('re-publishes the first configuration from the ledger and records all three attempts', async () => {
    const agentId = newLangdockAgent();
    const first = await releaseVia('globex', agentId, 'first change');
    const second = await releaseVia('globex', agentId, 'second change', 'bob');
    const res = await app.inject({
      method: 'POST',
      url: url('globex', agentId, 'rollbacks'),
      headers: { 'x-actor': 'carol' },
      payload: { to: 'previous' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'rolled-back', provider: 'langdock', agentId });
    const live = langdock.state.activeVersion(agentId);
    expect(live?.config.instruction).toBe('first change');
    expect(langdock.state.versions(agentId)).toHaveLength(4); // seed, first, second, the re-publish

    const { provider, entries } = await historyOf('globex', agentId);
    expect(provider).toBe('langdock');
    expect(entries.map((e) => [e.kind, e.outcome, e.actor])).toEqual([
      ['rollback', 'rolled-back', 'carol'],
      ['release', 'released', 'bob'],
      ['release', 'released', 'alice'],
    ]);
    const [rolledBack, secondEntry, firstEntry] = entries;
    expect(firstEntry).toMatchObject({
      versionAfter: first.version.id,
      snapshotBefore: { instructions: 'seed' },
      snapshotAfter: { instructions: 'first change' },
      fields: ['instructions'],
    });
    expect(secondEntry).toMatchObject({ versionAfter: second.version.id });
    expect(rolledBack).toMatchObject({
      snapshotBefore: { instructions: 'second change' },
      snapshotAfter: { instructions: 'first change' },
      versionAfter: live?.id,
      fields: ['instructions'],
    });
    expect(rolledBack?.steps.map((s) => `${s.name} ${s.status}`)).toContain('make-live ok');
  });

  it('422 (nothing recorded to go back to) and no write to the vendor, no key in the body', async () => {
    const agentId = newLangdockAgent();
    const before = langdock.requests.length;
    const res = await app.inject({
      method: 'POST',
      url: url('globex', agentId, 'rollbacks'),
      payload: { to: 'previous' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'UNSUPPORTED_OPERATION', provider: 'langdock' });
    expect(writes(langdock.requests.slice(before))).toEqual([]);
    expect(res.body).not.toContain(langdock.apiKey);
    expect(langdock.state.versions(agentId)).toHaveLength(1);
  });
});

// These run the Atoms adapter, which another engineer is rewriting on the port's new
// listVersions(). Until it lands, '404 when the agent has no earlier version' FAILS with a 500:
// the old adapter's listVersions() returns a page object where rollback() expects an array.
// That failure is expected on this branch; do not weaken the test, land the adapter.
describe('POST /tenants/:tenantId/agents/:agentId/rollbacks on Atoms', () => {
  it('v1: re-activates the first release’s version; no new version', async () => {
    const agentId = newAtomsAgent();
    const first = await releaseVia('acme', agentId, 'first prompt');
    await releaseVia('acme', agentId, 'second prompt');
    const versions = atoms.state.versions(agentId).length;
    const res = await app.inject({
      method: 'POST',
      url: url('acme', agentId, 'rollbacks'),
      headers: { 'x-actor': 'carol' },
      payload: { to: 'previous' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'rolled-back',
      provider: 'atoms',
      version: { id: first.version.id },
    });
    expect(atoms.state.activeVersionId(agentId)).toBe(first.version.id);
    expect(atoms.state.activeVersion(agentId)?.config.singlePromptConfig?.prompt).toBe('first prompt');
    expect(atoms.state.versions(agentId)).toHaveLength(versions);

    const { entries } = await historyOf('acme', agentId);
    expect(entries.map((e) => `${e.kind} ${e.outcome}`)).toEqual([
      'rollback rolled-back',
      'release released',
      'release released',
    ]);
    expect(entries[0]).toMatchObject({ actor: 'carol', versionAfter: first.version.id });
  });

  it('v2: restores the first configuration as the live branch’s new head', async () => {
    const agentId = newAtomsAgent();
    atoms.state.migrateToV2(agentId);
    await releaseVia('acme', agentId, 'first v2 prompt');
    await releaseVia('acme', agentId, 'second v2 prompt');
    const res = await app.inject({
      method: 'POST',
      url: url('acme', agentId, 'rollbacks'),
      payload: { to: 'previous' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'rolled-back', provider: 'atoms' });
    const branch = atoms.state.liveBranchId(agentId);
    const head = atoms.state.revisions(agentId, branch ?? '')[0];
    expect(JSON.stringify(head?.config)).toContain('first v2 prompt');
    expect(JSON.stringify(head?.config)).not.toContain('second v2 prompt');
    const { entries } = await historyOf('acme', agentId);
    expect(entries.map((e) => e.kind)).toEqual(['rollback', 'release', 'release']);
  });

  it('to the live version → 200 unchanged, nothing written', async () => {
    const agentId = newAtomsAgent();
    const live = atoms.state.activeVersionId(agentId);
    const before = atoms.requests.length;
    const res = await app.inject({
      method: 'POST',
      url: url('acme', agentId, 'rollbacks'),
      payload: { to: live },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'unchanged' });
    expect(writes(atoms.requests.slice(before))).toEqual([]);
  });

  it('404 when the agent has no earlier version (needs the rewritten Atoms adapter)', async () => {
    const agentId = newAtomsAgent();
    const res = await app.inject({
      method: 'POST',
      url: url('acme', agentId, 'rollbacks'),
      payload: { to: 'previous' },
    });
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', provider: 'atoms' });
  });
});

describe('bad input → 400, no vendor request', () => {
  const SECRET = 'sk_live_SENTINEL 4f9a/..%0d%0aX-Forged: 1';

  // The service checks the envelope and the actor itself: nothing reaches rollback(), nothing is
  // recorded.
  it.each([
    ['an empty target', { to: '' }, undefined, 'body.to'],
    ['an unknown body field', { to: 'previous', force: true }, undefined, 'body'],
    ['a missing target', {}, undefined, 'body.to'],
    ['an actor with spaces and control characters', { to: 'previous' }, SECRET, 'headers.x-actor'],
  ])('rollback with %s: nothing recorded', async (_what, payload, actor, field) => {
    const agentId = newLangdockAgent();
    const before = langdock.requests.length;
    const res = await app.inject({
      method: 'POST',
      url: url('globex', agentId, 'rollbacks'),
      headers: actor === undefined ? {} : { 'x-actor': actor },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION' });
    expect(res.json().field).toContain(field);
    expect(res.body).not.toContain('SENTINEL');
    expect(langdock.requests.length).toBe(before);
    expect((await historyOf('globex', agentId)).entries).toEqual([]);
  });

  // rollback() validates the target itself and records the refused attempt (outcome failed,
  // VALIDATION), without the rejected value.
  it('rollback to something that is no version id: refused, and no attempt is recorded', async () => {
    const agentId = newLangdockAgent();
    const before = langdock.requests.length;
    const res = await app.inject({
      method: 'POST',
      url: url('globex', agentId, 'rollbacks'),
      headers: { 'x-actor': 'dave' },
      payload: { to: SECRET },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION', field: 'target.to' });
    expect(res.body).not.toContain('SENTINEL');
    expect(langdock.requests.length).toBe(before);
    // Refused input is no attempt: the ledger stays empty (and so cannot keep the value).
    const { entries } = await historyOf('globex', agentId);
    expect(entries).toEqual([]);
  });

  it('a release with a bad actor header', async () => {
    const agentId = newAtomsAgent();
    const before = atoms.requests.length;
    const res = await app.inject({
      method: 'POST',
      url: url('acme', agentId, 'releases'),
      headers: { 'x-actor': 'x'.repeat(101) },
      payload: { changes: { instructions: 'x' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION', field: 'headers.x-actor' });
    expect(atoms.requests.length).toBe(before);
    expect((await historyOf('acme', agentId)).entries).toEqual([]);
  });

  it.each(['?limit=0', '?limit=1001', '?limit=abc', '?limit=-1', '?since=yesterday'])(
    'history %s',
    async (query) => {
      const before = langdock.requests.length;
      const res = await app.inject({
        method: 'GET',
        url: `${url('globex', newLangdockAgent(), 'history')}${query}`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION' });
      expect(langdock.requests.length).toBe(before);
    },
  );
});

describe('GET /tenants/:tenantId/agents/:agentId/history', () => {
  it('newest first, limited, and only the asking tenant’s entries', async () => {
    const agentId = newLangdockAgent();
    await releaseVia('globex', agentId, 'one');
    await releaseVia('globex', agentId, 'two');
    const limited = await historyOf('globex', agentId, '?limit=1');
    expect(limited.entries).toHaveLength(1);
    expect(limited.entries[0]?.snapshotAfter).toEqual({ instructions: 'two' });
    expect((await historyOf('globex', agentId)).entries).toHaveLength(2);
    expect((await historyOf('globex-eu', agentId)).entries).toEqual([]);
  });

  it('404 for an unknown tenant', async () => {
    const res = await app.inject({ method: 'GET', url: url('nobody', 'a'.repeat(24), 'history') });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
