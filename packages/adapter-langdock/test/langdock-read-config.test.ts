import { AbortedError, NotFoundError, UnexpectedResponseError, ValidationError } from '@agent-release/core';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT,
  BASE,
  expectNoSecret,
  makeReleaser,
  nockLiveAgent,
  rejectionOf,
  SENTINEL_KEY,
  VERSION,
} from './helpers.js';

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  expect(nock.isDone()).toBe(true);
  nock.cleanAll();
});

describe('readConfig → GET /agent/v1/get?agentId=', () => {
  it('returns the live configuration in neutral terms plus every Langdock field it maps', async () => {
    nockLiveAgent();
    const { releaser } = makeReleaser();
    await expect(releaser.readConfig(AGENT)).resolves.toEqual({
      instructions: 'v1',
      model: 'gpt-4o',
      providerOptions: {
        langdock: {
          name: 'Support bot',
          description: '',
          emoji: null,
          inputType: 'PROMPT',
          creativity: 0.3,
          conversationStarters: [],
          actions: [{ actionId: VERSION.id, requiresConfirmation: true }],
          inputFields: [],
          attachments: [],
          webSearch: false,
          imageGeneration: false,
          dataAnalyst: false,
          canvas: false,
          extendedThinking: false,
        },
      },
    });
  });

  it('leaves out what Langdock did not send or what could not be written back', async () => {
    nockLiveAgent({
      id: AGENT,
      instruction: 'v1',
      creativity: 5,
      conversationStarters: 'not a list',
      webSearch: true,
      somethingNew: { x: 1 },
    });
    const { releaser, logger } = makeReleaser();
    await expect(releaser.readConfig(AGENT)).resolves.toEqual({
      instructions: 'v1',
      providerOptions: { langdock: { webSearch: true } },
    });
    expect(logger.lines.some((l) => l.includes('creativity') && l.includes('conversationStarters'))).toBe(
      true,
    );
  });

  it('validates the id before any request', async () => {
    const { releaser } = makeReleaser();
    await expect(releaser.readConfig('not-a-uuid')).rejects.toBeInstanceOf(ValidationError);
  });

  for (const key of [SENTINEL_KEY, 'Zq7.x/9+mK_e-4Lw=pT2vR8c']) {
    it(`maps 404 and keeps the key out of the error when Langdock echoes it (${key.slice(0, 4)}…)`, async () => {
      nock(BASE)
        .get('/agent/v1/get')
        .query({ agentId: AGENT })
        .reply(404, { message: `Agent not found for key ${key}` });
      const { releaser, logger } = makeReleaser({ apiKey: key });
      const error = await rejectionOf(releaser.readConfig(AGENT));
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ operation: 'readConfig' });
      expectNoSecret(error, logger.lines, key);
    });
  }

  it('an answer without an agent is UnexpectedResponseError', async () => {
    nock(BASE).get('/agent/v1/get').query({ agentId: AGENT }).reply(200, { status: 'success' });
    const { releaser } = makeReleaser();
    await expect(releaser.readConfig(AGENT)).rejects.toBeInstanceOf(UnexpectedResponseError);
  });

  it('an aborted signal sends nothing', async () => {
    const { releaser } = makeReleaser();
    const controller = new AbortController();
    controller.abort();
    await expect(releaser.readConfig(AGENT, { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
  });
});
