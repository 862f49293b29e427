// The v2 error paths (draft conflict, publish refusal, failed scan poll) never carry the API key,
// of any shape, even when Atoms echoes it back in a diff, a refusal or a scan reason.
import { inspect } from 'node:util';
import type { DraftRef } from '@agent-release/core';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAtomsReleaser } from '../src/index.js';
import {
  A,
  AGENT,
  BDRAFT,
  branchDraftRow,
  branchesBody,
  branchPath,
  MAIN,
  ORIGIN,
  ok,
  P,
  scan,
  scanningRow,
  summary,
  V1,
} from './fixtures.js';

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

// Keys of other shapes than `sk_…`: every one must be absent from every rendering.
const KEYS = ['sk_live_A1b2C3d4E5f6G7h8', 'eyJhbGciOiJIUzI1NiJ9.payload.sig-Zx9', 'plainsecretkey0123456789'];

function renderings(error: unknown): string[] {
  const e = error as Error;
  return [
    String(e),
    e.message,
    e.stack ?? '',
    JSON.stringify(e),
    inspect(e, { depth: 10, showHidden: true }),
  ];
}

const draft: DraftRef = {
  provider: 'atoms',
  agentId: AGENT,
  draftId: BDRAFT,
  baseVersionId: V1,
  meta: { apiGeneration: 'v2', branchId: MAIN, edited: true },
};

describe.each(KEYS)('key %s', (key) => {
  const releaser = () =>
    createAtomsReleaser({ apiKey: key, baseUrl: `${ORIGIN}${P}`, apiGeneration: 'v2', retry: false });
  const echo = `echo ${key} Bearer ${key}`;
  const scope = () => nock(ORIGIN);

  it('foreign draft edits echoing the key (ConflictError with the diff)', async () => {
    scope()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN, { openDraftId: BDRAFT })));
    scope()
      .get(`${branchPath()}/draft`)
      .reply(200, ok({ latest: branchDraftRow() }));
    scope()
      .get(`${A}/diff`)
      .query(true)
      .reply(
        200,
        ok({
          diffs: [
            { section: 'call_handling', changes: [{ path: 'firstMessage', oldValue: echo, newValue: echo }] },
          ],
        }),
      );
    const error = await releaser()
      .editDraft(AGENT, { firstMessage: 'x' })
      .catch((e: unknown) => e);
    for (const text of renderings(error)) expect(text).not.toContain(key);
  });

  it('a publish 409 decided by a scan reason echoing the key', async () => {
    scope()
      .get(branchPath())
      .reply(200, ok(summary(MAIN, { openDraftId: BDRAFT })));
    scope()
      .get(`${A}/diff`)
      .query(true)
      .reply(200, ok({ diffs: [{ section: 'x', changes: [{}] }] }));
    scope()
      .post(`${branchPath()}/draft/publish`)
      .reply(409, { status: false, errors: [echo] });
    scope()
      .get(`${branchPath()}/draft`)
      .reply(200, ok({ latest: branchDraftRow({ securityCheck: scan('failed', echo) }) }));
    const error = await releaser()
      .publish(draft)
      .catch((e: unknown) => e);
    for (const text of renderings(error)) expect(text).not.toContain(key);
  });

  it('a scan poll failure settled after a 500 echoing the key', async () => {
    scope()
      .get(branchPath())
      .reply(200, ok(summary(MAIN, { openDraftId: BDRAFT })));
    scope()
      .get(`${A}/diff`)
      .query(true)
      .reply(200, ok({ diffs: [{ section: 'x', changes: [{}] }] }));
    scope()
      .post(`${branchPath()}/draft/publish`)
      .reply(202, ok({ state: 'scanning' }));
    scope()
      .get(`${branchPath()}/revisions`)
      .query(true)
      .reply(200, ok({ revisions: [scanningRow()], total: 2 }));
    scope()
      .get(/revisions\/[a-f0-9]{24}$/)
      .reply(500, { status: false, errors: [echo] });
    scope()
      .get(branchPath())
      .reply(500, { status: false, errors: [echo] });
    const error = await releaser()
      .publish(draft)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    for (const text of renderings(error)) expect(text).not.toContain(key);
  });
});
