import { AbortedError, ProviderUnavailableError, release, ValidationError } from '@agent-release/core';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT,
  BASE,
  expectNoSecret,
  makeReleaser,
  nockLiveAgent,
  publishBody,
  rejectionOf,
  updatedBody,
  VERSION,
} from './helpers.js';

/** A connection dropped after the request was sent (nock 14 needs an Error instance here). */
const connectionReset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

const DRAFT = { provider: 'langdock', agentId: AGENT, draftId: 'draft' } as const;

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  expect(nock.isDone()).toBe(true);
  nock.cleanAll();
});

describe('publish after a lost response', () => {
  it('re-sends once after a 5xx and reports the version it gets', async () => {
    nock(BASE)
      .post('/agent/v1/publish', { agentId: AGENT })
      .reply(500, { message: 'Internal server error' })
      .post('/agent/v1/publish', { agentId: AGENT })
      .reply(200, publishBody());
    const { releaser, clock } = makeReleaser();
    const outcome = await releaser.publish(DRAFT);
    expect(outcome).toMatchObject({ status: 'published', version: { id: VERSION.id, isActive: true } });
    // One backoff before the single re-send (full jitter, random 0.5 of the 500 ms base).
    expect(clock.sleeps).toEqual([250]);
  });

  it('treats 409 on the re-send after a dropped connection as published by the lost attempt', async () => {
    nock(BASE)
      .post('/agent/v1/publish', { agentId: AGENT, description: 'fix' })
      .replyWithError(connectionReset())
      .post('/agent/v1/publish', { agentId: AGENT, description: 'fix' })
      .reply(409, { message: 'No draft changes to publish' });
    const { releaser, logger } = makeReleaser();
    const outcome = await releaser.publish(DRAFT, { description: 'fix' });
    expect(outcome).toEqual({
      status: 'published',
      reconciled: true,
      version: { provider: 'langdock', agentId: AGENT, id: 'live', isActive: true, description: 'fix' },
    });
    expect(logger.lines.some((l) => l.includes('had taken effect'))).toBe(true);
  });

  it('treats 409 on the re-send after a 503 as published by the lost attempt', async () => {
    nock(BASE)
      .post('/agent/v1/publish')
      .reply(503, 'Service Unavailable')
      .post('/agent/v1/publish')
      .reply(409, 'No draft changes to publish');
    const { releaser } = makeReleaser();
    await expect(releaser.publish(DRAFT)).resolves.toMatchObject({
      status: 'published',
      reconciled: true,
      version: { id: 'live', isActive: true },
    });
  });

  it('forgets the remembered version once a version it cannot name went live', async () => {
    nock(BASE)
      .post('/agent/v1/publish')
      .reply(200, publishBody())
      .post('/agent/v1/publish')
      .replyWithError(connectionReset())
      .post('/agent/v1/publish')
      .reply(409, { message: 'No draft changes to publish' })
      .get('/agent/v1/get')
      .query({ agentId: AGENT })
      .reply(200, { status: 'success', agent: { id: AGENT } });
    const { releaser } = makeReleaser();
    await releaser.publish(DRAFT);
    await releaser.publish(DRAFT);
    await expect(releaser.getActiveVersion(AGENT)).resolves.toMatchObject({ id: 'live' });
  });

  it('re-sends only once: a second lost response surfaces as ProviderUnavailableError', async () => {
    nock(BASE).post('/agent/v1/publish').twice().reply(502, { error: 'Bad gateway' });
    const { releaser, logger } = makeReleaser();
    const error = await rejectionOf(releaser.publish(DRAFT));
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ status: 502, mayHaveTakenEffect: true, vendorMessage: 'Bad gateway' });
    expectNoSecret(error, logger.lines);
  });

  it('does not re-send when retries are disabled', async () => {
    nock(BASE).post('/agent/v1/publish').once().reply(500, {});
    const { releaser, clock } = makeReleaser({ retry: false });
    await expect(releaser.publish(DRAFT)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(clock.sleeps).toEqual([]);
  });

  it('does not re-send a refused publish (4xx)', async () => {
    nock(BASE).post('/agent/v1/publish').once().reply(400, { message: 'description too long' });
    const { releaser } = makeReleaser();
    await expect(releaser.publish(DRAFT)).rejects.toBeInstanceOf(ValidationError);
  });

  it('stops when the signal fires during the backoff before the re-send', async () => {
    nock(BASE).post('/agent/v1/publish').once().reply(500, {});
    const controller = new AbortController();
    const { releaser } = makeReleaser({
      clock: {
        now: () => 0,
        sleep: async () => {
          controller.abort();
          throw new AbortedError('The wait was aborted');
        },
      },
    });
    await expect(releaser.publish(DRAFT, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
  });

  it('release() ends released, not unchanged, after a lost publish that took effect', async () => {
    nockLiveAgent();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2' })
      .reply(200, updatedBody({ instruction: 'v2' }))
      .post('/agent/v1/publish')
      .replyWithError(connectionReset())
      .post('/agent/v1/publish')
      .reply(409, { message: 'No draft changes to publish' });
    const { releaser } = makeReleaser();
    const result = await release(releaser, AGENT, { instructions: 'v2' });
    expect(result).toMatchObject({ status: 'released', version: { id: 'live', isActive: true } });
    expect(result.unchangedReason).toBeUndefined();
  });
});
