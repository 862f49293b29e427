import { ConfigurationError } from '@agent-release/core';
import {
  coreModule,
  type ReleaserFactory,
  StaticTenantDirectory,
  type TenantReleasers,
  TOKENS,
} from '@agent-release/core/di';
import { Container } from 'inversify';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { langdockModule, langdockReleaserFactory } from '../src/di.js';
import { createLangdockReleaser, LangdockReleaser } from '../src/index.js';
import { AGENT, BASE, expectNoSecret, nockLiveAgent, SENTINEL_KEY } from './helpers.js';

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  expect(nock.isDone()).toBe(true);
  nock.cleanAll();
});

function configErrorOf(build: () => unknown): ConfigurationError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    expectNoSecret(error);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('createLangdockReleaser', () => {
  it('defaults to https://api.langdock.com', async () => {
    nock('https://api.langdock.com')
      .get('/agent/v1/get')
      .query({ agentId: AGENT })
      .reply(200, { status: 'success', agent: { id: AGENT } });
    const releaser = createLangdockReleaser({ apiKey: SENTINEL_KEY });
    expect(releaser).toBeInstanceOf(LangdockReleaser);
    await releaser.getActiveVersion(AGENT);
  });

  it('validates its options before anything is built', () => {
    expect(configErrorOf(() => createLangdockReleaser({} as never)).message).toMatch(/options\.apiKey/);
    expect(configErrorOf(() => createLangdockReleaser({ apiKey: '' })).message).toMatch(/options\.apiKey/);
    expect(
      configErrorOf(() => createLangdockReleaser({ apiKey: SENTINEL_KEY, timeoutMs: 0 })).message,
    ).toMatch(/options\.timeoutMs/);
    expect(
      configErrorOf(() => createLangdockReleaser({ apiKey: SENTINEL_KEY, retry: { maxRetries: -1 } }))
        .message,
    ).toMatch(/options\.retry/);
    expect(
      configErrorOf(() => createLangdockReleaser({ apiKey: SENTINEL_KEY, logger: console.log as never }))
        .message,
    ).toMatch(/options\.logger/);
    expect(
      configErrorOf(() => createLangdockReleaser({ apiKey: SENTINEL_KEY, timeoutMS: 5 } as never)).message,
    ).toMatch(/timeoutMS/);
    expect(
      configErrorOf(() => createLangdockReleaser({ apiKey: SENTINEL_KEY, baseUrl: 'not a url' })).message,
    ).toMatch(/baseUrl/);
  });

  it('refuses plain http except to loopback hosts', () => {
    configErrorOf(() =>
      createLangdockReleaser({ apiKey: SENTINEL_KEY, baseUrl: 'http://langdock.example.com' }),
    );
    expect(
      createLangdockReleaser({ apiKey: SENTINEL_KEY, baseUrl: 'http://127.0.0.1:9/api/public' }),
    ).toBeInstanceOf(LangdockReleaser);
  });
});

describe('langdockModule (inversify)', () => {
  it("binds the factory named 'langdock' for TenantReleasers", async () => {
    const container = new Container();
    container.bind(TOKENS.TenantDirectory).toConstantValue(
      new StaticTenantDirectory({
        acme: {
          provider: 'langdock',
          apiKey: SENTINEL_KEY,
          baseUrl: 'https://langdock.acme.example/api/public',
          options: { timeoutMs: 5000, retry: { maxRetries: 1 } },
        },
        broken: { provider: 'langdock', apiKey: SENTINEL_KEY, options: { timeoutMS: 5000 } },
      }),
    );
    await container.load(coreModule, langdockModule);
    const factory = container.get<ReleaserFactory>(TOKENS.ReleaserFactory, { name: 'langdock' });
    expect(factory).toBe(langdockReleaserFactory);

    const releasers = container.get<TenantReleasers>(TOKENS.TenantReleasers);
    const acme = await releasers.get('acme');
    expect(acme.provider).toBe('langdock');
    expect(acme).toBeInstanceOf(LangdockReleaser);

    nock('https://langdock.acme.example')
      .matchHeader('authorization', `Bearer ${SENTINEL_KEY}`)
      .get('/api/public/agent/v1/get')
      .query({ agentId: AGENT })
      .reply(200, { status: 'success', agent: {} });
    await acme.getActiveVersion(AGENT);

    const error = await releasers.get('broken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/timeoutMS/);
    expectNoSecret(error);
  });

  it('logs through the logger bound to TOKENS.Logger', async () => {
    const lines: Array<[string, Record<string, unknown> | undefined]> = [];
    const record = (message: string, fields?: Record<string, unknown>) => lines.push([message, fields]);
    const container = new Container();
    container.bind(TOKENS.TenantDirectory).toConstantValue(
      new StaticTenantDirectory({
        acme: { provider: 'langdock', apiKey: SENTINEL_KEY, baseUrl: 'https://langdock.acme.example' },
      }),
    );
    container
      .bind(TOKENS.Logger)
      .toConstantValue({ debug: record, info: record, warn: record, error: record });
    await container.load(coreModule, langdockModule);
    const acme = await container.get<TenantReleasers>(TOKENS.TenantReleasers).get('acme');
    nock('https://langdock.acme.example')
      .get('/agent/v1/get')
      .query({ agentId: AGENT })
      .reply(200, { status: 'success', agent: {} });
    await acme.getActiveVersion(AGENT);
    expect(lines.some(([, fields]) => fields?.operation === 'getActiveVersion')).toBe(true);
    expectNoSecret(lines);
  });

  it('tenant options cannot override the tenant’s credentials', () => {
    configErrorOf(() =>
      langdockReleaserFactory({
        provider: 'langdock',
        apiKey: SENTINEL_KEY,
        options: { apiKey: 'sk-other-key' },
      }),
    );
  });

  it('tenant options may set foreignDraftEdits, and only to refuse or include', async () => {
    const releaser = langdockReleaserFactory({
      provider: 'langdock',
      apiKey: SENTINEL_KEY,
      options: { foreignDraftEdits: 'include' },
    });
    // The update answer does not show the draft: a refusing releaser would undo and throw.
    nockLiveAgent();
    nock(BASE).patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2' }).reply(200, {});
    await expect(releaser.editDraft(AGENT, { instructions: 'v2' })).resolves.toMatchObject({
      meta: { updatedFields: ['instruction'] },
    });
    const error = configErrorOf(() =>
      langdockReleaserFactory({
        provider: 'langdock',
        apiKey: SENTINEL_KEY,
        options: { foreignDraftEdits: 'yes' },
      }),
    );
    expect(error.message).toContain('foreignDraftEdits');
  });
});
