import { inspect } from 'node:util';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAtomsReleaser } from '../src/index.js';
import {
  AGENT,
  agentBody,
  api,
  connectionReset,
  DRAFT,
  draftRow,
  fail,
  KEY,
  makeReleaser,
  ok,
  P,
  V1,
  V2,
  versionRow,
} from './fixtures.js';

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

/** Every way an error can be printed, serialised or inspected. */
function renderings(error: unknown): string[] {
  const e = error as Error;
  return [
    String(e),
    e.message,
    e.stack ?? '',
    JSON.stringify(e),
    inspect(e, { depth: 10, showHidden: true }),
    inspect((e as { cause?: unknown }).cause, { depth: 10, showHidden: true }),
  ];
}

function expectNoKey(error: unknown, logLines: string[] = []): void {
  expect(error).toBeInstanceOf(Error);
  for (const text of [...renderings(error), ...logLines]) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('SENTINEL');
  }
}

// Vendors sometimes echo what they were sent; these bodies do, to prove redaction.
const echo = `key ${KEY} (Authorization: Bearer ${KEY})`;

describe('the API key never leaks from an error or a log line', () => {
  const draft = { provider: 'atoms', agentId: AGENT, draftId: DRAFT, baseVersionId: V1 };

  const paths: Array<
    [string, (r: ReturnType<typeof makeReleaser>['releaser']) => Promise<unknown>, () => void]
  > = [
    ['validation', (r) => r.editDraft(AGENT, { model: KEY }), () => {}],
    [
      '401 echoing the key',
      (r) => r.getActiveVersion(AGENT),
      () =>
        api()
          .get(`${P}/agent/${AGENT}`)
          .reply(401, fail(`Unauthorized: ${echo}`)),
    ],
    [
      '403',
      (r) => r.getActiveVersion(AGENT),
      () =>
        api()
          .get(`${P}/agent/${AGENT}`)
          .reply(403, fail(`Forbidden for ${echo}`)),
    ],
    [
      '400 no agent',
      (r) => r.getActiveVersion(AGENT),
      () =>
        api()
          .get(`${P}/agent/${AGENT}`)
          .reply(400, fail(`No agent found ${echo}`)),
    ],
    [
      '409 migration',
      (r) => r.getActiveVersion(AGENT),
      () =>
        api()
          .get(`${P}/agent/${AGENT}`)
          .reply(409, { status: false, error_type: 'versioning_v2_migration_required', errors: [echo] }),
    ],
    [
      '429 over the limit',
      (r) => r.getActiveVersion(AGENT),
      () => api().get(`${P}/agent/${AGENT}`).reply(429, { status: false, error: echo, retry_after: 600 }),
    ],
    [
      '500',
      (r) => r.getActiveVersion(AGENT),
      () => api().get(`${P}/agent/${AGENT}`).times(4).reply(500, echo),
    ],
    [
      'network error',
      (r) => r.getActiveVersion(AGENT),
      () =>
        api()
          .get(`${P}/agent/${AGENT}`)
          .times(4)
          .replyWithError(Object.assign(new Error(`connect failed ${echo}`), { code: 'ECONNRESET' })),
    ],
    [
      'unexpected response',
      (r) => r.getActiveVersion(AGENT),
      () => {
        api()
          .get(`${P}/agent/${AGENT}`)
          .reply(200, agentBody({ activeVersionId: V2 }));
        api()
          .get(`${P}/agent/${AGENT}/versions/${V2}`)
          .reply(200, ok({ version: { note: echo } }));
      },
    ],
    [
      'security check failed',
      (r) => r.activate(AGENT, V2),
      () =>
        api()
          .get(`${P}/agent/${AGENT}/versions/${V2}`)
          .reply(200, ok({ version: versionRow(V2, { securityCheck: { status: 'failed', reason: echo } }) })),
    ],
    [
      'security check refusal failed',
      (r) => r.activate(AGENT, V2),
      () => {
        api()
          .get(`${P}/agent/${AGENT}/versions/${V2}`)
          .reply(200, ok({ version: versionRow(V2, { securityCheck: undefined }) }));
        api()
          .patch(`${P}/agent/${AGENT}/versions/${V2}/activate`)
          .reply(400, fail(`Security check failed: ${echo}`));
      },
    ],
    [
      'security check timeout',
      (r) => r.activate(AGENT, V2, { maxWaitMs: 0 }),
      () =>
        api()
          .get(`${P}/agent/${AGENT}/versions/${V2}`)
          .reply(200, ok({ version: versionRow(V2, { securityCheck: { status: echo, reason: null } }) })),
    ],
    [
      'aborted',
      (r) => {
        const c = new AbortController();
        c.abort(new Error(echo));
        return r.activate(AGENT, V2, { signal: c.signal });
      },
      () => {},
    ],
    [
      'lost publish, draft vanished',
      (r) => r.publish(draft),
      () => {
        api()
          .get(`${P}/agent/${AGENT}/drafts/${DRAFT}/diff`)
          .reply(200, ok({ hasChanges: true }));
        api()
          .get(`${P}/agent/${AGENT}/versions`)
          .query(true)
          .times(2)
          .reply(200, ok({ versions: [versionRow(V1)], total: 1 }));
        api().post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`).replyWithError(connectionReset());
        api()
          .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
          .query(true)
          .reply(404, fail(`gone ${echo}`));
      },
    ],
    [
      'fork refused',
      (r) => r.editDraft(AGENT, { firstMessage: 'x' }),
      () => {
        api().get(`${P}/agent/${AGENT}`).reply(200, agentBody());
        api()
          .post(`${P}/agent/${AGENT}/drafts`)
          .reply(400, fail(`Invalid input ${echo}`));
      },
    ],
    [
      'discard failure is only logged',
      async (r) => {
        await r.publish(draft);
        throw new Error('no error expected: see the log assertion');
      },
      () => {
        api()
          .get(`${P}/agent/${AGENT}/drafts/${DRAFT}/diff`)
          .reply(200, ok({ hasChanges: false }));
        api().delete(`${P}/agent/${AGENT}/drafts/${DRAFT}`).reply(500, fail(echo));
        void draftRow;
      },
    ],
  ];

  it.each(paths)('%s', async (_label, run, arrange) => {
    arrange();
    const { releaser, logger } = makeReleaser({ retry: { maxRetries: 3, baseDelayMs: 1 } });
    const error = await run(releaser).catch((e: unknown) => e);
    expectNoKey(error, logger.lines);
    expect(inspect(releaser, { depth: 10, showHidden: true })).not.toContain(KEY);
    expect(JSON.stringify(releaser)).not.toContain(KEY);
  });

  it('configuration errors do not echo the key', () => {
    for (const options of [
      { apiKey: KEY, baseUrl: 'http://example.com' },
      { apiKey: KEY, timeoutMs: KEY },
      { apiKey: KEY, unknown: KEY },
      { apiKey: `${KEY} x` },
    ]) {
      const error = (() => {
        try {
          createAtomsReleaser(options as never);
        } catch (e) {
          return e;
        }
      })();
      expectNoKey(error);
    }
  });
});
