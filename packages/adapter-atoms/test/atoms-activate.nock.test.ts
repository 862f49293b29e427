import {
  AbortedError,
  MigrationRequiredError,
  NotFoundError,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
  ValidationError,
} from '@agent-release/core';
import { describe, expect, it } from 'vitest';
import { AGENT, agentBody, api, fail, makeReleaser, ok, P, useNock, V1, V2, versionRow } from './fixtures.js';

useNock();

const versionPath = `${P}/agent/${AGENT}/versions/${V2}`;
const activatePath = `${P}/agent/${AGENT}/versions/${V2}/activate`;
const check = (status: string, reason: string | null = null) => ({
  status,
  reason,
  triggeredAt: '2026-01-01T00:00:00.000Z',
  completedAt: null,
});
const withCheck = (status: string, reason: string | null = null) =>
  ok({ version: versionRow(V2, { securityCheck: check(status, reason) }), resolvedConfig: {} });
const activated = ok(versionRow(V2, { isActive: true, activatedAt: '2026-01-01T00:00:07.000Z' }));
/** `PATCH .../activate` is sent without a body. */
const activateCall = () => api().patch(activatePath).matchHeader('content-length', '0');
const pendingRefusal = fail(
  'Security check pending for this version. Retry activation once the check has passed.',
);

describe('activate', () => {
  it('returns an already active version without sending activate', async () => {
    const { releaser } = makeReleaser();
    api()
      .get(versionPath)
      .reply(200, ok({ version: versionRow(V2, { isActive: true, securityCheck: check('passed') }) }));

    const version = await releaser.activate(AGENT, V2);
    expect(version).toMatchObject({ id: V2, isActive: true, gate: { status: 'passed', raw: 'passed' } });
  });

  it('polls until the check passed, then activates once', async () => {
    const { releaser, clock } = makeReleaser();
    api().get(versionPath).reply(200, withCheck('queued'));
    api().get(versionPath).reply(200, withCheck('pending'));
    api().get(versionPath).reply(200, withCheck('Passed'));
    activateCall().reply(200, activated);

    const version = await releaser.activate(AGENT, V2);
    expect(version).toMatchObject({ provider: 'atoms', agentId: AGENT, id: V2, number: 2, isActive: true });
    expect(version.activatedAt).toBe('2026-01-01T00:00:07.000Z');
    // Default waits: 500 ms, then jittered in [500, 1000] (random 0.5 → 750).
    expect(clock.sleeps).toEqual([500, 750]);
  });

  it('reports every look at the check to onGateProgress', async () => {
    const { releaser } = makeReleaser();
    api().get(versionPath).reply(200, withCheck('queued'));
    api().get(versionPath).reply(200, withCheck('passed'));
    activateCall().reply(200, activated);
    const seen: unknown[] = [];

    await releaser.activate(AGENT, V2, { onGateProgress: (p) => seen.push(p) });

    expect(seen).toEqual([
      { status: 'pending', raw: 'queued', reason: undefined, attempt: 1, elapsedMs: 0 },
      { status: 'passed', raw: 'passed', reason: undefined, attempt: 2, elapsedMs: 500 },
    ]);
  });

  it('reports refusals and the accepted activation when the check is not exposed, ignoring a throwing callback', async () => {
    const { releaser } = makeReleaser();
    api()
      .get(versionPath)
      .reply(200, ok({ version: versionRow(V2, { securityCheck: undefined }) }));
    activateCall().reply(400, pendingRefusal);
    activateCall().reply(200, activated);
    const seen: string[] = [];

    const version = await releaser.activate(AGENT, V2, {
      onGateProgress: (p) => {
        seen.push(`${p.attempt}:${p.status}`);
        throw new Error('a broken progress bar');
      },
    });

    expect(version.isActive).toBe(true);
    expect(seen).toEqual(['1:pending', '2:passed']);
  });

  it.each([['failed'], ['FAILED'], ['errored']])(
    'fails with SecurityCheckFailedError on status %s without activating',
    async (status) => {
      const { releaser } = makeReleaser();
      api().get(versionPath).reply(200, withCheck(status, 'Prompt injection detected'));

      const error = await releaser.activate(AGENT, V2).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecurityCheckFailedError);
      expect(error).toMatchObject({
        versionId: V2,
        checkStatus: status,
        reason: 'Prompt injection detected',
        provider: 'atoms',
      });
      expect(String(error)).toContain('Prompt injection detected');
    },
  );

  it('without a securityCheck field, retries the activate call while it is refused as pending (any 4xx)', async () => {
    const { releaser, clock } = makeReleaser();
    api()
      .get(versionPath)
      .reply(200, ok({ version: versionRow(V2, { securityCheck: undefined }) }));
    activateCall().reply(400, pendingRefusal);
    activateCall().reply(409, fail('security check pending'));
    activateCall().reply(422, fail('Security check is still running'));
    activateCall().reply(200, activated);

    const version = await releaser.activate(AGENT, V2);
    expect(version.isActive).toBe(true);
    // One read only: after it showed no check field, polls go straight to activate.
    expect(clock.sleeps).toHaveLength(3);
  });

  it('treats a pending refusal after a passed read as not ready yet', async () => {
    const { releaser } = makeReleaser();
    api().get(versionPath).reply(200, withCheck('passed'));
    activateCall().reply(400, pendingRefusal);
    api().get(versionPath).reply(200, withCheck('passed'));
    activateCall().reply(200, activated);

    expect((await releaser.activate(AGENT, V2)).isActive).toBe(true);
  });

  it('fails with SecurityCheckFailedError when the activate refusal says the check failed', async () => {
    const { releaser } = makeReleaser();
    api()
      .get(versionPath)
      .reply(200, ok({ version: versionRow(V2, { securityCheck: null }) }));
    activateCall().reply(400, fail('Security check failed: Prompt failed the security review'));

    const error = await releaser.activate(AGENT, V2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityCheckFailedError);
    expect(error).toMatchObject({ checkStatus: 'failed', reason: 'Prompt failed the security review' });
  });

  it('times out with the last status seen', async () => {
    const { releaser, clock } = makeReleaser({ securityCheck: { maxWaitMs: 2000 } });
    // Looks at 0, 500 and 1250 ms; the waiter does not look again at the 2000 ms deadline.
    api().get(versionPath).times(3).reply(200, withCheck('queued'));

    const error = await releaser.activate(AGENT, V2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityCheckTimeoutError);
    expect(error).toMatchObject({ versionId: V2, lastStatus: 'queued', waitedMs: 2000, retryable: true });
    expect(clock.sleeps).toEqual([500, 750, 750]);
  });

  it('lets activate({maxWaitMs}) override the configured deadline', async () => {
    const { releaser } = makeReleaser({ securityCheck: { maxWaitMs: 60_000 } });
    // One look at 0 ms; none at the 500 ms deadline.
    api().get(versionPath).reply(200, withCheck('queued'));

    const error = await releaser.activate(AGENT, V2, { maxWaitMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityCheckTimeoutError);
    expect((error as SecurityCheckTimeoutError).waitedMs).toBe(500);
  });

  it('times out with lastStatus "pending" when only refusals were seen', async () => {
    const { releaser } = makeReleaser();
    api()
      .get(versionPath)
      .reply(200, ok({ version: versionRow(V2, { securityCheck: undefined }) }));
    // One refused activate at 0 ms; none at the 500 ms deadline.
    activateCall().reply(400, pendingRefusal);

    const error = await releaser.activate(AGENT, V2, { maxWaitMs: 500 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SECURITY_CHECK_TIMEOUT', lastStatus: 'pending' });
  });

  it('honours an abort while waiting', async () => {
    const { releaser } = makeReleaser();
    const controller = new AbortController();
    api()
      .get(versionPath)
      .reply(() => {
        controller.abort();
        return [200, withCheck('queued')];
      });

    await expect(releaser.activate(AGENT, V2, { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
  });

  it('surfaces an activate refusal that is not about the security check', async () => {
    const { releaser } = makeReleaser();
    api().get(versionPath).reply(200, withCheck('passed'));
    activateCall().reply(400, fail('Invalid input'));

    const error = await releaser.activate(AGENT, V2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).vendorMessage).toBe('Invalid input');
  });

  it('surfaces a v2 migration refusal as MigrationRequiredError (apiGeneration v1)', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().get(versionPath).reply(200, withCheck('passed'));
    api()
      .patch(activatePath)
      .reply(
        409,
        { status: false, error_type: 'versioning_v2_migration_required', errors: ['deprecated'] },
        { Deprecation: 'true' },
      );

    await expect(releaser.activate(AGENT, V2)).rejects.toBeInstanceOf(MigrationRequiredError);
  });

  it('rejects a bad version id or maxWaitMs before any request', async () => {
    const { releaser } = makeReleaser();
    await expect(releaser.activate(AGENT, 'v2')).rejects.toBeInstanceOf(ValidationError);
    await expect(releaser.activate(AGENT, V2, { maxWaitMs: -1 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('getActiveVersion', () => {
  it('reads the active version id from the agent, then the version', async () => {
    const { releaser } = makeReleaser();
    api()
      .get(`${P}/agent/${AGENT}`)
      .reply(200, agentBody({ activeVersionId: V2 }));
    api()
      .get(versionPath)
      .reply(
        200,
        ok({ version: versionRow(V2, { isActive: true, label: 'v2', securityCheck: check('passed') }) }),
      );

    expect(await releaser.getActiveVersion(AGENT)).toEqual({
      provider: 'atoms',
      agentId: AGENT,
      id: V2,
      number: 2,
      label: 'v2',
      isActive: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      gate: { status: 'passed', raw: 'passed', reason: undefined },
    });
  });

  it('confirms the version this releaser just activated from the agent read alone', async () => {
    const { releaser } = makeReleaser();
    api().get(versionPath).reply(200, withCheck('passed'));
    activateCall().reply(200, activated);
    const live = await releaser.activate(AGENT, V2);

    // Only GET /agent: no GET versions/{id} is mocked, so one would fail the test.
    api()
      .get(`${P}/agent/${AGENT}`)
      .reply(200, agentBody({ activeVersionId: V2 }));
    expect(await releaser.getActiveVersion(AGENT)).toEqual({ ...live, isActive: true });
  });

  it('reads the version when the agent names another one than the one just activated', async () => {
    const { releaser } = makeReleaser();
    api().get(versionPath).reply(200, withCheck('passed'));
    activateCall().reply(200, activated);
    await releaser.activate(AGENT, V2);

    api()
      .get(`${P}/agent/${AGENT}`)
      .reply(200, agentBody({ activeVersionId: V1 }));
    api()
      .get(`${P}/agent/${AGENT}/versions/${V1}`)
      .reply(200, ok({ version: versionRow(V1, { isActive: true, label: 'someone else' }) }));
    expect(await releaser.getActiveVersion(AGENT)).toMatchObject({
      id: V1,
      label: 'someone else',
      isActive: true,
    });
  });

  it('remembers per agent and per releaser: another releaser instance still reads the version', async () => {
    const { releaser } = makeReleaser();
    api().get(versionPath).reply(200, withCheck('passed'));
    activateCall().reply(200, activated);
    await releaser.activate(AGENT, V2);

    const other = makeReleaser().releaser;
    api()
      .get(`${P}/agent/${AGENT}`)
      .reply(200, agentBody({ activeVersionId: V2 }));
    api()
      .get(versionPath)
      .reply(200, ok({ version: versionRow(V2, { isActive: true }) }));
    expect((await other.getActiveVersion(AGENT))?.id).toBe(V2);
  });

  it('falls back to the versionId alias', async () => {
    const { releaser } = makeReleaser();
    api()
      .get(`${P}/agent/${AGENT}`)
      .reply(200, ok({ _id: AGENT, versionId: V1 }));
    api()
      .get(`${P}/agent/${AGENT}/versions/${V1}`)
      .reply(200, ok({ version: versionRow(V1, { isActive: true }) }));

    expect((await releaser.getActiveVersion(AGENT))?.id).toBe(V1);
  });

  it('returns null for an agent without an active version', async () => {
    const { releaser } = makeReleaser();
    api()
      .get(`${P}/agent/${AGENT}`)
      .reply(200, ok({ _id: AGENT, activeVersionId: null }));

    expect(await releaser.getActiveVersion(AGENT)).toBeNull();
  });

  it('maps 400 "No agent found" to NotFoundError', async () => {
    const { releaser } = makeReleaser();
    api().get(`${P}/agent/${AGENT}`).reply(400, fail('No agent found'));

    const error = await releaser.getActiveVersion(AGENT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 400, provider: 'atoms', vendorMessage: 'No agent found' });
  });
});

describe('listVersions', () => {
  it('pages through published versions', async () => {
    const { releaser } = makeReleaser();
    api()
      .get(`${P}/agent/${AGENT}/versions`)
      .query({ limit: '2', skip: '4' })
      .reply(200, ok({ versions: [versionRow(V2), versionRow(V1, { isActive: true })], total: 7 }));

    const page = await releaser.listVersions(AGENT, { limit: 2, skip: 4 });
    expect(page.map((v) => [v.id, v.isActive])).toEqual([
      [V2, false],
      [V1, true],
    ]);
  });

  it('uses limit 20 and skip 0 by default', async () => {
    const { releaser } = makeReleaser();
    api()
      .get(`${P}/agent/${AGENT}/versions`)
      .query({ limit: '20', skip: '0' })
      .reply(200, ok({ versions: [], total: 0 }));

    expect(await releaser.listVersions(AGENT)).toEqual([]);
  });

  it.each([[{ limit: 0 }], [{ limit: 101 }], [{ skip: -1 }], [{ limit: 1.5 }]])(
    'rejects paging %j before any request',
    async (opts) => {
      const { releaser } = makeReleaser();
      await expect(releaser.listVersions(AGENT, opts)).rejects.toBeInstanceOf(ValidationError);
    },
  );
});

describe('activate after a security-check status the adapter does not know (issue 11, defect 5)', () => {
  it.each([
    ['completed', check('completed')],
    ['success', check('success')],
    ['skipped', check('skipped')],
    ['a null status', { status: null, reason: null }],
  ])('after %s it sends activate and lets the answer decide', async (_label, securityCheck) => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api()
      .get(versionPath)
      .reply(200, ok({ version: versionRow(V2, { securityCheck }) }));
    activateCall().reply(200, activated);

    expect(await releaser.activate(AGENT, V2)).toMatchObject({ id: V2, isActive: true });
  });

  it('an unknown status whose activate is refused as pending keeps polling', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api()
      .get(versionPath)
      .reply(200, ok({ version: versionRow(V2, { securityCheck: check('validating') }) }));
    activateCall().reply(400, pendingRefusal);
    api().get(versionPath).reply(200, withCheck('passed'));
    activateCall().reply(200, activated);

    expect(await releaser.activate(AGENT, V2)).toMatchObject({ id: V2, isActive: true });
  });
});
