import {
  type RetellEmulator,
  type RetellEmulatorOptions,
  startRetellEmulator,
} from '@agent-release/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { client, manualClock } from './helpers.js';

let retell: RetellEmulator | undefined;
let call: ReturnType<typeof client>;
afterEach(async () => {
  await retell?.close();
  retell = undefined;
});

async function start(options: RetellEmulatorOptions = {}) {
  retell = await startRetellEmulator(options);
  call = client(retell);
  const { agentId, llmId } = retell.state.createAgent({
    agent_name: 'Desk',
    llm: { general_prompt: 'P0' },
    publish: true,
  });
  return { emu: retell, agentId, llmId };
}

describe('Retell basics', () => {
  it('uses the origin as base URL and answers 401 in the vendor envelope without a valid key', async () => {
    const { emu, agentId } = await start();
    expect(emu.baseUrl).toBe(emu.url);
    for (const key of [null, 'key_wrong']) {
      const res = await call('GET', `/get-agent/${agentId}`, undefined, { key });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ status: 'error', message: 'API key is missing or invalid.' });
    }
    expect(JSON.stringify(emu.requests)).not.toContain(emu.apiKey);
  });

  it('refuses undeclared or mistyped fields with 400 and changes nothing', async () => {
    const { emu, agentId } = await start();
    const draft = emu.state.createDraft(agentId, 0);
    for (const body of [{ agent_nmae: 'x' }, { agent_name: 42 }, { version: 1 }]) {
      const res = await call('PATCH', `/update-agent/${agentId}`, body);
      expect(res.status).toBe(400);
      expect(res.body.status).toBe('error');
    }
    expect(emu.state.version(agentId, draft)?.agent.agent_name).toBe('Desk');
  });

  it('answers 422 for an unknown agent on get-agent and 404 on the version operations', async () => {
    await start();
    expect((await call('GET', '/get-agent/agent_nope')).status).toBe(422);
    expect((await call('GET', '/list-agent-versions/agent_nope')).status).toBe(404);
    expect((await call('POST', '/publish-agent-version/agent_nope', { version: 0 })).status).toBe(404);
  });
});

describe('Retell versions', () => {
  it('refuses publishing a published version and update-agent without a draft to edit', async () => {
    const { emu, agentId } = await start();
    const again = await call('POST', `/publish-agent-version/${agentId}`, { version: 0 });
    expect(again.status).toBe(400);
    const noDraft = await call('PATCH', `/update-agent/${agentId}`, { agent_name: 'x' });
    expect(noDraft.status).toBe(400);
    expect(noDraft.body.message).toContain('immutable');
    expect(emu.state.version(agentId, 0)?.agent.agent_name).toBe('Desk');
  });

  it('a new draft copies its base (agent and LLM) but not its title', async () => {
    const { emu, agentId, llmId } = await start();
    emu.state.createDraft(agentId, 0);
    await call('PATCH', `/update-retell-llm/${llmId}?version=1`, { general_prompt: 'P1' });
    await call('POST', `/publish-agent-version/${agentId}`, { version: 1, version_title: 'T1' });
    const v2 = await call('POST', `/create-agent-version/${agentId}`, { base_version: 1 });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, base_version: 1, is_published: false });
    expect(v2.body.version_title).toBeUndefined();
    expect(emu.state.version(agentId, 2)?.llm.general_prompt).toBe('P1');
  });

  it('refuses deleting a version a phone number pins or a tag points at', async () => {
    const { emu, agentId } = await start();
    emu.state.createDraft(agentId, 0);
    emu.state.publish(agentId, 1);
    emu.state.setTag(agentId, 'prod', 1);
    emu.state.addPhoneNumber('+14155550100', {
      inbound_agents: [{ agent_id: agentId, agent_version: 0, weight: 1 }],
    });
    expect((await call('DELETE', `/delete-agent-version/${agentId}?version=0`)).status).toBe(400);
    expect((await call('DELETE', `/delete-agent-version/${agentId}?version=1`)).status).toBe(400);
    expect(emu.state.versions(agentId).map((v) => v.version)).toEqual([0, 1]);
  });
});

describe('Retell traffic', () => {
  it('resolves latest, latest_published and an unassigned tag as the SDK documents', async () => {
    const { emu, agentId } = await start();
    emu.state.createDraft(agentId, 0); // V1 draft
    emu.state.createDraft(agentId, 0); // V2 draft
    emu.state.publish(agentId, 2);
    emu.state.publish(agentId, 1); // published last: latest_published is V1, not the highest
    const res = await call('PATCH', `/update-agent-root/${agentId}`, { tags: { staging: {} } });
    expect(res.status).toBe(200);
    emu.state.createDraft(agentId, 1); // V3 draft: latest
    emu.state.addPhoneNumber('+14155550100', {
      inbound_agents: [
        { agent_id: agentId, agent_version: 'latest', weight: 0.25 },
        { agent_id: agentId, agent_version: 'latest_published', weight: 0.25 },
        { agent_id: agentId, agent_version: 'staging', weight: 0.5 },
      ],
    });
    expect(emu.state.serving('+14155550100').map((s) => s.version)).toEqual([3, 1, 3]);
  });

  it('deleting a tag drops the phone bindings that follow it', async () => {
    const { emu, agentId } = await start();
    emu.state.setTag(agentId, 'prod', 0);
    emu.state.addPhoneNumber('+14155550100', {
      inbound_agents: [{ agent_id: agentId, agent_version: 'prod', weight: 1 }],
    });
    const res = await call('PATCH', `/update-agent-root/${agentId}`, { tags: { prod: null } });
    expect(res.status).toBe(200);
    expect(res.body.tags).toEqual({});
    expect(emu.state.phoneNumber('+14155550100')?.inbound_agents).toEqual([]);
  });

  it('update-agent-root with a stale If-Match answers 412 and changes nothing', async () => {
    const { emu, agentId } = await start();
    emu.state.createDraft(agentId, 0);
    emu.state.publish(agentId, 1);
    const read = await call('GET', `/get-agent-root/${agentId}`);
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const first = await call(
      'PATCH',
      `/update-agent-root/${agentId}`,
      { tags: { prod: { version: 0 } } },
      {
        headers: { 'If-Match': etag },
      },
    );
    expect(first.status).toBe(200);
    const stale = await call(
      'PATCH',
      `/update-agent-root/${agentId}`,
      { tags: { prod: { version: 1 } } },
      {
        headers: { 'If-Match': etag },
      },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.status).toBe('error');
    expect(emu.state.tagVersion(agentId, 'prod')).toBe(0);
  });

  it('refuses a binding to an unknown tag or version', async () => {
    const { emu, agentId } = await start();
    emu.state.addPhoneNumber('+14155550100');
    for (const agent_version of ['canary', 7, '1']) {
      const res = await call('PATCH', '/update-phone-number/+14155550100', {
        inbound_agents: [{ agent_id: agentId, agent_version, weight: 1 }],
      });
      expect(res.status).toBe(400);
    }
    expect(emu.state.phoneNumber('+14155550100')?.inbound_agents).toBeNull();
  });
});

describe('Retell faults and limits', () => {
  it('a publish whose answer is lost has happened: listing versions shows it', async () => {
    const { emu, agentId } = await start();
    emu.state.createDraft(agentId, 0);
    emu.faults.add({ method: 'POST', path: `/publish-agent-version/${agentId}`, kind: 'drop-after' });
    await expect(call('POST', `/publish-agent-version/${agentId}`, { version: 1 })).rejects.toThrow();
    const list = await call('GET', `/list-agent-versions/${agentId}`);
    expect(list.body.items.find((i: { version: number }) => i.version === 1).is_published).toBe(true);
  });

  it('a scripted status fault answers in the vendor envelope and applies nothing', async () => {
    const { emu, agentId } = await start();
    emu.state.createDraft(agentId, 0);
    emu.faults.add({ path: `/publish-agent-version/${agentId}`, kind: 'status', status: 503 });
    const res = await call('POST', `/publish-agent-version/${agentId}`, { version: 1 });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'error', message: 'Emulated fault (HTTP 503)' });
    expect(emu.state.version(agentId, 1)?.isPublished).toBe(false);
  });

  it('rate-limits per key with 429 and Retry-After', async () => {
    const clock = manualClock();
    const { agentId } = await start({ clock, rateLimit: { requestsPerSecond: 1, burst: 1 } });
    expect((await call('GET', `/get-agent/${agentId}`)).status).toBe(200);
    const limited = await call('GET', `/get-agent/${agentId}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body.status).toBe('error');
    clock.advance(1000);
    expect((await call('GET', `/get-agent/${agentId}`)).status).toBe(200);
  });
});
