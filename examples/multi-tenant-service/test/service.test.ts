import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { Logger } from '@agent-release/core';
import {
  type AtomsEmulator,
  type LangdockEmulator,
  startAtomsEmulator,
  startLangdockEmulator,
} from '@agent-release/emulator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { buildContainer } from '../src/container.js';
import { tenantDirectoryFrom } from '../src/tenants-config.js';

// Service routes over Fastify's inject, against the real emulators over loopback HTTP.
let atoms: AtomsEmulator;
let langdock: LangdockEmulator;
let app: FastifyInstance;
const logLines: string[] = [];
const WRONG_KEY = 'sk_SENTINEL_wrong_tenant_key_0042';
const ledgerDir = mkdtempSync(join(tmpdir(), 'service-test-'));

beforeAll(async () => {
  atoms = await startAtomsEmulator({ securityCheck: { durationMs: 150 } });
  langdock = await startLangdockEmulator();
  const directory = tenantDirectoryFrom({
    tenants: {
      acme: {
        provider: 'atoms',
        apiKey: atoms.apiKey,
        baseUrl: atoms.baseUrl,
        options: {
          securityCheck: { minDelayMs: 50, maxDelayMs: 100 },
          retry: { baseDelayMs: 5, maxDelayMs: 20 },
          timeoutMs: 1000,
        },
      },
      globex: {
        provider: 'langdock',
        apiKey: langdock.apiKey,
        baseUrl: langdock.baseUrl,
        options: { retry: { baseDelayMs: 5, maxDelayMs: 20 } },
      },
      badkey: { provider: 'atoms', apiKey: WRONG_KEY, baseUrl: atoms.baseUrl },
    },
  });
  const logger: Logger = {
    debug: (m, f) => logLines.push(`${m} ${inspect(f)}`),
    info: (m, f) => logLines.push(`${m} ${inspect(f)}`),
    warn: (m, f) => logLines.push(`${m} ${inspect(f)}`),
    error: (m, f) => logLines.push(`${m} ${inspect(f)}`),
  };
  // The container opens (and on close, closes) the SQLite ledger itself, as main.ts does.
  app = buildApp(
    await buildContainer({ directory, logger, ledger: { sqlitePath: join(ledgerDir, 'releases.db') } }),
  );
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await atoms?.close();
  await langdock?.close();
  rmSync(ledgerDir, { recursive: true, force: true });
});

beforeEach(() => {
  atoms.faults.clear();
  langdock.faults.clear();
});

const releaseUrl = (tenant: string, agent: string) => `/tenants/${tenant}/agents/${agent}/releases`;
const newAtomsAgent = () =>
  atoms.state.createAgent({
    name: 'a',
    prompt: 'old prompt',
    tools: [{ type: 'end_call', name: 'end_call', description: 'End the call' }],
  });
const newLangdockAgent = () => langdock.state.createAgent({ name: 'l', instruction: 'old', publish: true });

describe('POST /tenants/:tenantId/agents/:agentId/releases', () => {
  it('releases to Atoms: 201 with the ReleaseResult, new version live in the emulator, tools kept', async () => {
    const agentId = newAtomsAgent();
    const res = await app.inject({
      method: 'POST',
      url: releaseUrl('acme', agentId),
      payload: { changes: { instructions: 'new prompt' }, label: 'v-next' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      status: 'released',
      provider: 'atoms',
      agentId,
      version: { isActive: true },
    });
    expect(atoms.state.activeVersionId(agentId)).toBe(body.version.id);
    const live = atoms.state.activeVersion(agentId);
    expect(JSON.stringify(live)).toContain('new prompt');
    expect(JSON.stringify(live)).toContain('end_call');
  });

  it('the same change again → 200 unchanged and no new version', async () => {
    const agentId = newAtomsAgent();
    const payload = { changes: { instructions: 'same again' } };
    expect((await app.inject({ method: 'POST', url: releaseUrl('acme', agentId), payload })).statusCode).toBe(
      201,
    );
    const versions = atoms.state.versions(agentId).length;
    const again = await app.inject({ method: 'POST', url: releaseUrl('acme', agentId), payload });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'unchanged' });
    expect(atoms.state.versions(agentId)).toHaveLength(versions);
  });

  it('releases to Langdock: live on publish; again → unchanged (the 409)', async () => {
    const agentId = newLangdockAgent();
    const payload = { changes: { instructions: 'research carefully' }, description: 'tone' };
    const res = await app.inject({ method: 'POST', url: releaseUrl('globex', agentId), payload });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'released',
      provider: 'langdock',
      version: { isActive: true },
    });
    expect(langdock.state.versions(agentId)).toHaveLength(2);
    const again = await app.inject({ method: 'POST', url: releaseUrl('globex', agentId), payload });
    expect(again.json()).toMatchObject({ status: 'unchanged' });
    expect(langdock.state.versions(agentId)).toHaveLength(2);
  });

  it('400 problem naming the field, with no vendor request, for an invalid change', async () => {
    const agentId = newLangdockAgent();
    const before = langdock.requests.length;
    const res = await app.inject({
      method: 'POST',
      url: releaseUrl('globex', agentId),
      payload: { changes: { firstMessage: 'hi' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 400, code: 'VALIDATION', field: 'changes.firstMessage' });
    expect(langdock.requests.length).toBe(before);
  });

  it('400 for a malformed body, unknown body fields and bad path ids', async () => {
    const agentId = newAtomsAgent();
    const malformed = await app.inject({
      method: 'POST',
      url: releaseUrl('acme', agentId),
      headers: { 'content-type': 'application/json' },
      payload: '{"changes":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'VALIDATION' });
    const extra = await app.inject({
      method: 'POST',
      url: releaseUrl('acme', agentId),
      payload: { changes: {}, x: 1 },
    });
    expect(extra.statusCode).toBe(400);
    const badId = await app.inject({
      method: 'POST',
      url: releaseUrl('acme', 'not-hex'),
      payload: { changes: { instructions: 'x' } },
    });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().field).toBe('agentId');
  });

  it('404 for an unknown tenant and for an unknown agent', async () => {
    const tenant = await app.inject({
      method: 'POST',
      url: releaseUrl('nobody', 'a'.repeat(24)),
      payload: { changes: { instructions: 'x' } },
    });
    expect(tenant.statusCode).toBe(404);
    expect(tenant.json().code).toBe('NOT_FOUND');
    const agent = await app.inject({
      method: 'POST',
      url: releaseUrl('acme', 'a'.repeat(24)),
      payload: { changes: { instructions: 'x' } },
    });
    expect(agent.statusCode).toBe(404);
    expect(agent.json()).toMatchObject({ code: 'NOT_FOUND', provider: 'atoms' });
  });

  it('vendor 401 → 502 with a clear message and no key in body or logs', async () => {
    const res = await app.inject({
      method: 'POST',
      url: releaseUrl('badkey', newAtomsAgent()),
      payload: { changes: { instructions: 'x' } },
    });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ code: 'AUTHENTICATION', provider: 'atoms' });
    expect(res.json().detail).toContain('rejected');
    expect(res.body).not.toContain(WRONG_KEY);
    expect(logLines.join('\n')).not.toContain(WRONG_KEY);
  });

  it('vendor 403 → 502', async () => {
    const agentId = newLangdockAgent();
    langdock.state.forbidAgent(agentId);
    const res = await app.inject({
      method: 'POST',
      url: releaseUrl('globex', agentId),
      payload: { changes: { instructions: 'x' } },
    });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ code: 'PERMISSION', provider: 'langdock' });
  });

  it('409 when Atoms demands the v2 migration for an agent that has no branch to switch to', async () => {
    const agentId = newAtomsAgent();
    atoms.faults.add({
      method: 'POST',
      path: /\/drafts$/,
      kind: 'status',
      status: 409,
      body: { status: false, error_type: 'versioning_v2_migration_required', errors: ['migrate to v2'] },
    });
    const res = await app.inject({
      method: 'POST',
      url: releaseUrl('acme', agentId),
      payload: { changes: { instructions: 'x' } },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'MIGRATION_REQUIRED', provider: 'atoms' });
  });

  it('429 with Retry-After when the vendor asks for a longer wait than the library will block', async () => {
    const agentId = newLangdockAgent();
    langdock.faults.add({
      method: 'PATCH',
      path: '/agent/v1/update',
      kind: 'status',
      status: 429,
      headers: { 'Retry-After': '120' },
    });
    const res = await app.inject({
      method: 'POST',
      url: releaseUrl('globex', agentId),
      payload: { changes: { instructions: 'x' } },
    });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('120');
    expect(res.json()).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 120 });
  });

  it('502 when the vendor is down (503 on every retry)', async () => {
    const agentId = newAtomsAgent();
    atoms.faults.add({ method: 'GET', path: `/agent/${agentId}`, kind: 'status', status: 503, times: 10 });
    const res = await app.inject({
      method: 'POST',
      url: releaseUrl('acme', agentId),
      payload: { changes: { instructions: 'x' } },
    });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });

  it('504 when the vendor does not answer within the deadline', async () => {
    const agentId = newAtomsAgent();
    atoms.faults.add({ method: 'GET', path: `/agent/${agentId}`, kind: 'delay', delayMs: 1500, times: 10 });
    const res = await app.inject({
      method: 'POST',
      url: releaseUrl('acme', agentId),
      payload: { changes: { instructions: 'x' } },
    });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', title: 'Vendor timed out' });
  });
});

describe('GET /tenants/:tenantId/agents/:agentId/active', () => {
  it('answers the live version per tenant', async () => {
    const agentId = newAtomsAgent();
    const res = await app.inject({ method: 'GET', url: `/tenants/acme/agents/${agentId}/active` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      provider: 'atoms',
      active: { id: atoms.state.activeVersionId(agentId), isActive: true },
    });
  });

  it('404 problem for an unknown route', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
  });
});

describe('POST /tenants/:tenantId/agents/:agentId/rollbacks', () => {
  it('rolls a Langdock release back, logging each step with the actor', async () => {
    const agentId = newLangdockAgent();
    const payload = { changes: { instructions: 'to be rolled back' } };
    expect(
      (await app.inject({ method: 'POST', url: releaseUrl('globex', agentId), payload })).statusCode,
    ).toBe(201);
    const res = await app.inject({
      method: 'POST',
      url: `/tenants/globex/agents/${agentId}/rollbacks`,
      headers: { 'x-actor': 'ops-bot' },
      payload: { to: 'previous' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(langdock.state.activeVersion(agentId)?.config.instruction).toBe('old');
    const text = logLines.join('\n');
    expect(text).toContain('rollback step');
    expect(text).toMatch(/rollback finished .*ops-bot/s);
  });
});

describe('logs', () => {
  it('contain one line per release step and never an API key', () => {
    const text = logLines.join('\n');
    expect(text).toContain('release step');
    for (const key of [atoms.apiKey, langdock.apiKey, WRONG_KEY]) expect(text).not.toContain(key);
  });
});
