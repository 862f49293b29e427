import { type AtomsEmulator, startAtomsEmulator } from '@agent-release/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client } from './helpers.js';

let atoms: AtomsEmulator;
let call: ReturnType<typeof client>;
let agentId: string;
let v1: string;

const endCall = { type: 'end_call', name: 'end_call', description: 'Hang up' };

beforeEach(async () => {
  atoms = await startAtomsEmulator();
  call = client(atoms);
  agentId = atoms.state.createAgent({ name: 'drafts', prompt: 'Original prompt', tools: [endCall] });
  v1 = atoms.state.activeVersionId(agentId)!;
});
afterEach(async () => {
  await atoms.close();
});

async function fork(body: Record<string, unknown> = { sourceVersionId: v1 }) {
  const res = await call('POST', `/agent/${agentId}/drafts`, body);
  expect(res.status).toBe(201);
  return res.body.data as { draftId: string; _id: string };
}

describe('POST /agent/{id}/drafts (fork)', () => {
  it('creates a draft row with a distinct stable draftId, revision 0 and a copy of the source config', async () => {
    const res = await call('POST', `/agent/${agentId}/drafts`, {
      sourceVersionId: v1,
      draftName: 'Greeting',
    });
    expect(res.status).toBe(201);
    const draft = res.body.data;
    expect(draft).toMatchObject({
      status: 'draft',
      agent: agentId,
      draftRevision: 0,
      draftName: 'Greeting',
      sourceVersionId: v1,
      versionNumber: null,
      isActive: false,
    });
    expect(draft.draftId).toEqual(expect.any(String));
    expect(draft.draftId).not.toBe(draft._id);
    // AgentVersion carries no config in the spec; the state helper shows the copy.
    expect(draft).not.toHaveProperty('config');
    expect(atoms.state.draft(agentId, draft.draftId)!.config.singlePromptConfig).toEqual({
      prompt: 'Original prompt',
      tools: [endCall],
    });
    expect(atoms.state.drafts(agentId).map((d) => d.draftId)).toEqual([draft.draftId]);
  });

  it('answers 400 "Either sourceVersionId or sourceDraftId is required" for an empty body', async () => {
    for (const body of [{}, undefined]) {
      const res = await call('POST', `/agent/${agentId}/drafts`, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        status: false,
        errors: ['Either sourceVersionId or sourceDraftId is required'],
      });
    }
  });

  it('answers 400 for a sourceVersionId that is not an ObjectId, 404 for unknown sources', async () => {
    expect((await call('POST', `/agent/${agentId}/drafts`, { sourceVersionId: 'v1' })).status).toBe(400);
    const unknownVersion = await call('POST', `/agent/${agentId}/drafts`, {
      sourceVersionId: '0123456789abcdef01234567',
    });
    expect(unknownVersion.status).toBe(404);
    expect(unknownVersion.body.status).toBe(false);
    expect((await call('POST', `/agent/${agentId}/drafts`, { sourceDraftId: 'draft_nope' })).status).toBe(
      404,
    );
    expect(
      (await call('POST', '/agent/0123456789abcdef01234567/drafts', { sourceVersionId: v1 })).status,
    ).toBe(404);
  });

  it('forks from another draft, keeping its edits and its source version', async () => {
    const first = await fork();
    await call('PATCH', `/agent/${agentId}/drafts/${first.draftId}/config`, { firstMessage: 'From draft' });
    const second = await fork({ sourceDraftId: first.draftId });
    expect(atoms.state.draft(agentId, second.draftId)).toMatchObject({
      sourceVersionId: v1,
      config: { firstMessage: 'From draft' },
    });
  });

  it('validates draftName length', async () => {
    expect(
      (await call('POST', `/agent/${agentId}/drafts`, { sourceVersionId: v1, draftName: '' })).status,
    ).toBe(400);
    const long = 'n'.repeat(101);
    expect(
      (await call('POST', `/agent/${agentId}/drafts`, { sourceVersionId: v1, draftName: long })).status,
    ).toBe(400);
  });
});

describe('listing, reading, renaming and discarding drafts', () => {
  it('lists open drafts as a bare array with lastEditorName', async () => {
    const a = await fork();
    const b = await fork();
    await call('PATCH', `/agent/${agentId}/drafts/${b.draftId}/config`, { firstMessage: 'x' });
    const res = await call('GET', `/agent/${agentId}/drafts`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.data)).toBe(true);
    const byId = Object.fromEntries(res.body.data.map((d: { draftId: string }) => [d.draftId, d]));
    expect(byId[a.draftId].lastEditorName).toBeNull();
    expect(byId[b.draftId].lastEditorName).toBe('Emulator User');
  });

  it('returns draft detail with latest, edit history (newest first, limited) and editCount', async () => {
    const { draftId } = await fork();
    for (const msg of ['one', 'two', 'three']) {
      await call('PATCH', `/agent/${agentId}/drafts/${draftId}/config`, { firstMessage: msg });
    }
    const res = await call('GET', `/agent/${agentId}/drafts/${draftId}?limit=2`);
    expect(res.status).toBe(200);
    const { latest, editHistory, editCount } = res.body.data;
    expect(latest.draftRevision).toBe(3);
    expect(latest).not.toHaveProperty('config');
    const preview = await call('GET', `/agent/${agentId}?draftId=${draftId}`);
    expect(preview.body.data._resolvedConfig.firstMessage).toBe('three');
    expect(editCount).toBe(3);
    expect(editHistory.map((e: { revision: number }) => e.revision)).toEqual([3, 2]);
    expect(editHistory[0]).toMatchObject({
      changedSections: ['call_handling'],
      editorName: 'Emulator User',
      editorId: expect.any(String),
      timestamp: expect.any(String),
    });
    expect((await call('GET', `/agent/${agentId}/drafts/${draftId}?limit=0`)).status).toBe(400);
    expect((await call('GET', `/agent/${agentId}/drafts/draft_nope`)).status).toBe(404);
  });

  it('renames a draft (1-100 chars)', async () => {
    const { draftId } = await fork();
    const res = await call('PATCH', `/agent/${agentId}/drafts/${draftId}`, { draftName: 'Renamed' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true, data: { draftName: 'Renamed' } });
    expect(atoms.state.draft(agentId, draftId)?.draftName).toBe('Renamed');
    expect((await call('PATCH', `/agent/${agentId}/drafts/${draftId}`, {})).status).toBe(400);
  });

  it('discards a draft: 200 data null, then 404', async () => {
    const { draftId } = await fork();
    const res = await call('DELETE', `/agent/${agentId}/drafts/${draftId}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true, data: null });
    expect(atoms.state.drafts(agentId)).toEqual([]);
    expect((await call('GET', `/agent/${agentId}/drafts/${draftId}`)).status).toBe(404);
    expect((await call('DELETE', `/agent/${agentId}/drafts/${draftId}`)).status).toBe(404);
  });
});

describe('PATCH /agent/{id}/drafts/{draftId}/config', () => {
  it('does not echo the sent fields; increments draftRevision and rotates block ids', async () => {
    const { draftId, _id } = await fork();
    const before = atoms.state.draft(agentId, draftId)!;
    const res = await call('PATCH', `/agent/${agentId}/drafts/${draftId}/config`, {
      firstMessage: 'Hello, this is the lifecycle demo agent.',
    });
    expect(res.status).toBe(200);
    const row = res.body.data;
    expect(row.draftRevision).toBe(1);
    expect(row.draftId).toBe(draftId);
    expect(row._id).not.toBe(_id);
    expect(JSON.stringify(res.body)).not.toContain('lifecycle demo agent');
    expect(row.firstMessage).toBeUndefined();
    expect(row.config).toBeUndefined();
    expect(row.blocks.call_handling).not.toBe(before.blocks.call_handling);
    expect(row.blocks.voice).toBe(before.blocks.voice);

    const second = await call('PATCH', `/agent/${agentId}/drafts/${draftId}/config`, { slmModel: 'gpt-4.1' });
    expect(second.body.data.draftRevision).toBe(2);
    // Read-back (the draft preview of GET /agent/{id}) is how a client confirms the value.
    const detail = await call('GET', `/agent/${agentId}?draftId=${draftId}`);
    expect(detail.body.data._resolvedConfig).toMatchObject({
      firstMessage: 'Hello, this is the lifecycle demo agent.',
      modelName: 'gpt-4.1',
    });
  });

  it('replaces top-level fields wholesale: singlePromptConfig without tools clears the tools', async () => {
    const { draftId } = await fork();
    await call('PATCH', `/agent/${agentId}/drafts/${draftId}/config`, {
      singlePromptConfig: { prompt: 'New' },
    });
    expect(atoms.state.draft(agentId, draftId)?.config.singlePromptConfig).toEqual({
      prompt: 'New',
      tools: [],
    });
    const history = atoms.state.draft(agentId, draftId)!.editHistory;
    expect(history[0]!.changedSections).toEqual(['workflow_prompt', 'workflow_tools']);

    await call('PATCH', `/agent/${agentId}/drafts/${draftId}/config`, {
      postCallAnalyticsConfig: { dispositionMetrics: [] },
    });
    expect(atoms.state.draft(agentId, draftId)?.config.postCallAnalyticsConfig).toEqual({
      dispositionMetrics: [],
    });
  });

  it('keeps the tools when they are sent along with the prompt', async () => {
    const { draftId } = await fork();
    await call('PATCH', `/agent/${agentId}/drafts/${draftId}/config`, {
      singlePromptConfig: { prompt: 'New', tools: [endCall] },
    });
    expect(atoms.state.draft(agentId, draftId)?.config.singlePromptConfig).toEqual({
      prompt: 'New',
      tools: [endCall],
    });
  });

  it('answers 400 "No recognized config fields" for name/telephonyProductId only or an empty body', async () => {
    const { draftId } = await fork();
    for (const body of [{ name: 'x' }, { telephonyProductId: ['t'] }, {}, { unknownField: 1 }]) {
      const res = await call('PATCH', `/agent/${agentId}/drafts/${draftId}/config`, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ status: false, errors: ['No recognized config fields'] });
    }
    expect(atoms.state.draft(agentId, draftId)?.draftRevision).toBe(0);
  });

  it('ignores non-config fields sent along with recognised ones', async () => {
    const { draftId } = await fork();
    const res = await call('PATCH', `/agent/${agentId}/drafts/${draftId}/config`, {
      name: 'x',
      firstMessage: 'Hi',
    });
    expect(res.status).toBe(200);
    expect(atoms.state.agent(agentId)?.name).toBe('drafts');
  });

  it.each([
    [{ globalPrompt: 'g'.repeat(4001) }, /globalPrompt/],
    [{ slmModel: 'gpt-99' }, /slmModel/],
    [{ backgroundSound: 'jungle' }, /backgroundSound/],
    [{ interruptionBackoffTimer: 11 }, /interruptionBackoffTimer/],
    [{ singlePromptConfig: { tools: [] } }, /singlePromptConfig\.prompt/],
    [{ singlePromptConfig: { prompt: 'p', tools: [{ ...endCall, name: 'end call' }] } }, /name/],
    [
      { singlePromptConfig: { prompt: 'p', tools: [{ type: 'api_call', name: 'a', description: 'd' }] } },
      /url/,
    ],
    [
      {
        singlePromptConfig: {
          prompt: 'p',
          tools: [
            {
              type: 'api_call',
              name: 'a',
              description: 'd',
              url: 'https://x.test',
              method: 'GET',
              timeout: 50,
            },
          ],
        },
      },
      /timeout/,
    ],
    [
      {
        postCallAnalyticsConfig: {
          dispositionMetrics: [
            { identifier: 'Bad-Id', dispositionMetricPrompt: 'q', dispositionMetricType: 'STRING' },
          ],
        },
      },
      /identifier/,
    ],
    [{ language: { default: 'en' } }, /^Invalid Input: Required$/],
    [{ allowInterruptions: 'yes' }, /allowInterruptions/],
  ])('validates %j', async (body, message) => {
    const { draftId } = await fork();
    const res = await call('PATCH', `/agent/${agentId}/drafts/${draftId}/config`, body);
    expect(res.status).toBe(400);
    expect(res.body.status).toBe(false);
    expect(res.body.errors[0]).toMatch(message);
    expect(atoms.state.draft(agentId, draftId)?.draftRevision).toBe(0);
  });

  it('answers 404 for an unknown draft', async () => {
    const res = await call('PATCH', `/agent/${agentId}/drafts/draft_nope/config`, { firstMessage: 'x' });
    expect(res.status).toBe(404);
  });
});

describe('GET /agent/{id}/drafts/{draftId}/diff', () => {
  it('compares the draft with its source version by section', async () => {
    const { draftId } = await fork();
    const empty = await call('GET', `/agent/${agentId}/drafts/${draftId}/diff`);
    expect(empty.status).toBe(200);
    expect(empty.body.data.hasChanges).toBe(false);
    expect(empty.body.data.sections.workflow_prompt).toEqual({
      before: { prompt: 'Original prompt', globalPrompt: '' },
      after: { prompt: 'Original prompt', globalPrompt: '' },
      changed: false,
    });

    await call('PATCH', `/agent/${agentId}/drafts/${draftId}/config`, { firstMessage: 'Changed' });
    const diff = await call('GET', `/agent/${agentId}/drafts/${draftId}/diff`);
    expect(diff.body.data.hasChanges).toBe(true);
    expect(diff.body.data.sections.call_handling.changed).toBe(true);
    expect(diff.body.data.sections.call_handling.after.firstMessage).toBe('Changed');
    expect(diff.body.data.sections.llm.changed).toBe(false);
  });

  it('compares with ?compareTo= (24-hex) instead', async () => {
    const { draftId } = await fork();
    await call('PATCH', `/agent/${agentId}/drafts/${draftId}/config`, { firstMessage: 'Changed' });
    const res = await call('GET', `/agent/${agentId}/drafts/${draftId}/diff?compareTo=${v1}`);
    expect(res.body.data.hasChanges).toBe(true);
    expect((await call('GET', `/agent/${agentId}/drafts/${draftId}/diff?compareTo=abc`)).status).toBe(400);
    const unknown = await call(
      'GET',
      `/agent/${agentId}/drafts/${draftId}/diff?compareTo=0123456789abcdef01234567`,
    );
    expect(unknown.status).toBe(404);
  });
});

describe('test calls', () => {
  it('starts a draft test call and a version test call', async () => {
    const { draftId } = await fork();
    const draftCall = await call('POST', `/agent/${agentId}/drafts/${draftId}/test-call`, { mode: 'chat' });
    expect(draftCall.status).toBe(200);
    expect(draftCall.body.data.callId).toEqual(expect.any(String));
    const versionCall = await call('POST', `/agent/${agentId}/versions/${v1}/test-call`, {});
    expect(versionCall.body.data).toMatchObject({
      conversationId: expect.any(String),
      token: expect.any(String),
    });
    const telephony = await call('POST', `/agent/${agentId}/versions/${v1}/test-call`, { mode: 'telephony' });
    expect(telephony.status).toBe(400);
  });
});
