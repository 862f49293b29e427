import { describe, expect, it } from 'vitest';
import { contractHarness } from './contract-harness.js';

const UNKNOWN = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const harness = contractHarness();
const { expectCovered } = harness;
/** The v1 spec knows no security check on versions: the emulator's `expose: false` reading. */
const start = (options: Parameters<typeof harness.start>[0] = {}) =>
  harness.start({ securityCheck: { durationMs: 6000, expose: false }, ...options });

// Every v1 operation of the vendor's spec, answered by the emulator, matches its response schema.
expectCovered((op) => /^\w+ \/agent\/\{id\}(\/(drafts|versions)(\/.*)?)?$/.test(op));

describe('Atoms v1 answers match the vendor OpenAPI spec', () => {
  it('agent read and metadata update', async () => {
    const { call, createAgent } = await start();
    const id = await createAgent({ name: 'contract', description: 'x' });
    const got = await call('GET', '/agent/{id}', { id });
    expect(got.status).toBe(200);
    expect((await call('GET', '/agent/{id}', { id: UNKNOWN })).status).toBe(400);
    expect((await call('PATCH', '/agent/{id}', { id }, { name: 'renamed' })).status).toBe(200);
    expect((await call('PATCH', '/agent/{id}', { id }, { name: '' })).status).toBe(400);
    expect((await call('PATCH', '/agent/{id}', { id: UNKNOWN }, { name: 'x' })).status).toBe(404);
    expect(
      (await call('GET', '/agent/{id}', { id }, undefined, { options: { key: 'sk_wrong' } })).status,
    ).toBe(401);
  });

  it('the draft lifecycle: fork, list, read, rename, edit, diff, test call, publish, discard', async () => {
    const { call, createAgent } = await start();
    const id = await createAgent();
    const v1 = (await call('GET', '/agent/{id}', { id })).body.data.activeVersionId as string;

    expect((await call('POST', '/agent/{id}/drafts', { id }, {})).status).toBe(400);
    const forked = await call('POST', '/agent/{id}/drafts', { id }, { sourceVersionId: v1, draftName: 'd' });
    expect(forked.status).toBe(201);
    const draftId = forked.body.data.draftId as string;
    const p = { id, draftId };

    expect((await call('GET', '/agent/{id}/drafts', { id })).status).toBe(200);
    expect((await call('GET', '/agent/{id}/drafts', { id: UNKNOWN })).status).toBe(404);
    expect((await call('GET', '/agent/{id}/drafts/{draftId}', p)).status).toBe(200);
    expect((await call('GET', '/agent/{id}/drafts/{draftId}', { id, draftId: 'draft_nope' })).status).toBe(
      404,
    );
    expect((await call('PATCH', '/agent/{id}/drafts/{draftId}', p, { draftName: 'renamed' })).status).toBe(
      200,
    );
    expect((await call('PATCH', '/agent/{id}/drafts/{draftId}', p, { draftName: '' })).status).toBe(400);

    const edited = await call('PATCH', '/agent/{id}/drafts/{draftId}/config', p, { firstMessage: 'Hello' });
    expect(edited.status).toBe(200);
    expect((await call('PATCH', '/agent/{id}/drafts/{draftId}/config', p, { nothing: 1 })).status).toBe(400);
    expect((await call('GET', '/agent/{id}/drafts/{draftId}', p)).body.data.editCount).toBe(1);

    expect((await call('GET', '/agent/{id}/drafts/{draftId}/diff', p)).status).toBe(200);
    expect(
      (await call('GET', '/agent/{id}/drafts/{draftId}/diff', p, undefined, { query: { compareTo: 'x' } }))
        .status,
    ).toBe(400);
    expect(
      (await call('POST', '/agent/{id}/drafts/{draftId}/test-call', p, { mode: 'webcall' })).status,
    ).toBe(200);
    expect((await call('POST', '/agent/{id}/drafts/{draftId}/test-call', p, { mode: 'fax' })).status).toBe(
      400,
    );
    expect((await call('GET', '/agent/{id}', { id }, undefined, { query: { draftId } })).status).toBe(200);

    expect((await call('POST', '/agent/{id}/drafts/{draftId}/publish', p, { label: 7 })).status).toBe(400);
    const published = await call('POST', '/agent/{id}/drafts/{draftId}/publish', p, { label: 'v2' });
    expect(published.status).toBe(201);
    expect((await call('POST', '/agent/{id}/drafts/{draftId}/publish', p, {})).status).toBe(404);

    const other = await call('POST', '/agent/{id}/drafts', { id }, { sourceVersionId: v1 });
    const otherP = { id, draftId: other.body.data.draftId as string };
    expect((await call('DELETE', '/agent/{id}/drafts/{draftId}', otherP)).status).toBe(200);
    expect((await call('DELETE', '/agent/{id}/drafts/{draftId}', otherP)).status).toBe(404);
  });

  it('versions: list, diff, read, update, activate (pending, then passed), test call', async () => {
    const { call, createAgent, clock } = await start();
    const id = await createAgent();
    const v1 = (await call('GET', '/agent/{id}', { id })).body.data.activeVersionId as string;
    const draftId = (await call('POST', '/agent/{id}/drafts', { id }, { sourceVersionId: v1 })).body.data
      .draftId as string;
    await call('PATCH', '/agent/{id}/drafts/{draftId}/config', { id, draftId }, { firstMessage: 'Hi' });
    const v2 = (await call('POST', '/agent/{id}/drafts/{draftId}/publish', { id, draftId }, {})).body.data
      ._id as string;

    expect((await call('GET', '/agent/{id}/versions', { id })).status).toBe(200);
    expect(
      (await call('GET', '/agent/{id}/versions', { id }, undefined, { query: { limit: 0 } })).status,
    ).toBe(400);
    const diff = await call('GET', '/agent/{id}/versions/diff', { id }, undefined, {
      query: { versionA: v1, versionB: v2 },
    });
    expect(diff.status).toBe(200);
    expect(
      (await call('GET', '/agent/{id}/versions/diff', { id }, undefined, { query: { versionA: v1 } })).status,
    ).toBe(400);
    expect((await call('GET', '/agent/{id}/versions/{versionId}', { id, versionId: v2 })).status).toBe(200);
    expect((await call('GET', '/agent/{id}/versions/{versionId}', { id, versionId: UNKNOWN })).status).toBe(
      404,
    );
    expect(
      (await call('PATCH', '/agent/{id}/versions/{versionId}', { id, versionId: v2 }, { isPinned: true }))
        .status,
    ).toBe(200);
    expect((await call('PATCH', '/agent/{id}/versions/{versionId}', { id, versionId: v2 }, {})).status).toBe(
      400,
    );

    const pending = await call('PATCH', '/agent/{id}/versions/{versionId}/activate', { id, versionId: v2 });
    expect(pending.status).toBe(400);
    clock.advance(6000);
    expect(
      (await call('PATCH', '/agent/{id}/versions/{versionId}/activate', { id, versionId: v2 })).status,
    ).toBe(200);
    expect((await call('GET', '/agent/{id}', { id }, undefined, { query: { versionId: v2 } })).status).toBe(
      200,
    );

    const p = { id, versionId: v2 };
    expect(
      (await call('POST', '/agent/{id}/versions/{versionId}/test-call', p, { mode: 'chat' })).status,
    ).toBe(200);
    expect(
      (await call('POST', '/agent/{id}/versions/{versionId}/test-call', p, { mode: 'telephony' })).status,
    ).toBe(400);
  });

  it('under the branch model the v1 writes and lists answer 409 versioning_v2_migration_required', async () => {
    const { call, createAgent } = await start({ versioning: 'v2' });
    const id = await createAgent();
    const versionId = (await call('GET', '/agent/{id}', { id })).body.data.activeVersionId as string;
    const draft = { id, draftId: 'draft_any' };
    const refused = [
      await call('POST', '/agent/{id}/drafts', { id }, { sourceVersionId: versionId }),
      await call('GET', '/agent/{id}/drafts', { id }),
      await call('PATCH', '/agent/{id}/drafts/{draftId}', draft, { draftName: 'x' }),
      await call('DELETE', '/agent/{id}/drafts/{draftId}', draft),
      await call('POST', '/agent/{id}/drafts/{draftId}/publish', draft, {}),
      await call('PATCH', '/agent/{id}/drafts/{draftId}/config', draft, { firstMessage: 'x' }),
      await call('GET', '/agent/{id}/versions', { id }),
      await call('PATCH', '/agent/{id}/versions/{versionId}', { id, versionId }, { label: 'x' }),
      await call('PATCH', '/agent/{id}/versions/{versionId}/activate', { id, versionId }),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(409);
      expect(answer.headers.get('deprecation')).toBe('true');
      expect(answer.body.error_type).toBe('versioning_v2_migration_required');
    }
    // By-id reads stay: a v1 versionId is its migrated revisionId.
    expect((await call('GET', '/agent/{id}/versions/{versionId}', { id, versionId })).status).toBe(200);
  });
});
