import { ConfigurationError } from '@agent-release/core';
import { coreModule, StaticTenantDirectory, type TenantReleasers, TOKENS } from '@agent-release/core/di';
import { startAtomsEmulator } from '@agent-release/emulator';
import { Container } from 'inversify';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { AtomsAutoReleaser } from '../src/auto.js';
import { atomsModule, createAtomsModule } from '../src/di.js';
import {
  ATOMS_AUTO_CAPABILITIES,
  type AtomsReleaser,
  createAtomsReleaser,
  DEFAULT_SECURITY_CHECK,
} from '../src/index.js';
import { resolveAtomsReleaserOptions } from '../src/shared/options.js';
import { captureLogger, KEY } from './fixtures.js';

describe('createAtomsReleaser', () => {
  it('declares fixed capabilities that hold for v1 and v2 agents alike', () => {
    const releaser = createAtomsReleaser({ apiKey: KEY });
    expect(releaser.provider).toBe('atoms');
    expect(releaser.apiGeneration).toBe('auto');
    expect(releaser.capabilities).toEqual({
      activation: 'on-publish',
      publishGate: 'security-check',
      drafts: 'many',
      versionHistory: true,
      rollback: 'republish',
      confirmsActiveVersion: true,
    });
    expect(releaser.capabilities).toBe(ATOMS_AUTO_CAPABILITIES);
  });

  it('fills defaults: the scan deadline is the Atoms SDK own one (120 s)', () => {
    const o = resolveAtomsReleaserOptions({ apiKey: KEY });
    expect(o.baseUrl).toBe('https://api.smallest.ai/atoms/v1');
    expect(o.securityCheck).toEqual({
      minDelayMs: 500,
      maxDelayMs: 1000,
      maxWaitMs: 120_000,
      expectedMs: 6000,
    });
    expect(DEFAULT_SECURITY_CHECK).toEqual(o.securityCheck);
    expect(
      resolveAtomsReleaserOptions({ apiKey: KEY, securityCheck: { maxWaitMs: 5 } }).securityCheck,
    ).toEqual({
      minDelayMs: 500,
      maxDelayMs: 1000,
      maxWaitMs: 5,
      expectedMs: 6000,
    });
  });

  it.each([
    ['no api key', {}],
    ['an empty api key', { apiKey: '' }],
    ['an api key with whitespace', { apiKey: 'sk_a b' }],
    ['plain http to a remote host', { apiKey: KEY, baseUrl: 'http://api.smallest.ai/atoms/v1' }],
    ['a base URL with credentials', { apiKey: KEY, baseUrl: 'https://u:p@api.smallest.ai/atoms/v1' }],
    ['an unknown option', { apiKey: KEY, apiGen: 'v2' }],
    ['an unknown apiGeneration', { apiKey: KEY, apiGeneration: 'v3' }],
    ['a negative timeout', { apiKey: KEY, timeoutMs: -1 }],
    ['minDelay above maxDelay', { apiKey: KEY, securityCheck: { minDelayMs: 2000, maxDelayMs: 1000 } }],
    ['an unknown securityCheck field', { apiKey: KEY, securityCheck: { delay: 1 } }],
    ['a logger without methods', { apiKey: KEY, logger: {} }],
    ['a bad retry policy', { apiKey: KEY, retry: { maxRetries: -1 } }],
  ])('refuses %s with ConfigurationError', (_label, options) => {
    expect(() => createAtomsReleaser(options as never)).toThrow(ConfigurationError);
  });

  it('allows plain http to loopback (emulators)', () => {
    expect(createAtomsReleaser({ apiKey: KEY, baseUrl: 'http://127.0.0.1:4010/atoms/v1' })).toBeInstanceOf(
      AtomsAutoReleaser,
    );
  });
});

describe('atomsModule (inversify)', () => {
  // One test talks to an emulator on loopback.
  nock.enableNetConnect('127.0.0.1');

  const tenants = () =>
    new StaticTenantDirectory({
      acme: {
        provider: 'atoms',
        apiKey: KEY,
        baseUrl: 'http://127.0.0.1:4010/atoms/v1',
        options: { timeoutMs: 5000, securityCheck: { maxWaitMs: 30_000 } },
      },
      broken: { provider: 'atoms', apiKey: KEY, options: { securityCheck: { minDelayMs: 'soon' } } },
    });

  it('binds the releaser factory named "atoms"', async () => {
    const container = new Container();
    container.bind(TOKENS.TenantDirectory).toConstantValue(tenants());
    await container.load(coreModule, atomsModule);

    const factory = container.get<(c: unknown) => unknown>(TOKENS.ReleaserFactory, { name: 'atoms' });
    expect(typeof factory).toBe('function');
    const releasers = container.get<TenantReleasers>(TOKENS.TenantReleasers);
    const releaser = await releasers.get('acme');
    expect(releaser).toBeInstanceOf(AtomsAutoReleaser);
    expect(releaser.provider).toBe('atoms');
    await expect(releasers.get('broken')).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('releasers built by TenantReleasers log through the container logger and take apiGeneration from options', async () => {
    const emulator = await startAtomsEmulator({ versioning: 'v2' });
    try {
      const logger = captureLogger();
      const container = new Container();
      container.bind(TOKENS.Logger).toConstantValue(logger);
      container.bind(TOKENS.TenantDirectory).toConstantValue(
        new StaticTenantDirectory({
          acme: {
            provider: 'atoms',
            apiKey: emulator.apiKey,
            baseUrl: emulator.baseUrl,
            options: { apiGeneration: 'v2' },
          },
        }),
      );
      await container.load(coreModule, atomsModule);
      const releaser = (await container
        .get<TenantReleasers>(TOKENS.TenantReleasers)
        .get('acme')) as AtomsReleaser;
      expect(releaser.apiGeneration).toBe('v2');

      const agentId = emulator.state.createAgent({ name: 'di' });
      await releaser.getActiveVersion(agentId);
      expect(logger.lines.some((line) => line.includes('http response'))).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('createAtomsModule applies process-wide defaults such as the logger', async () => {
    const logger = captureLogger();
    const container = new Container();
    container.bind(TOKENS.TenantDirectory).toConstantValue(tenants());
    await container.load(coreModule, createAtomsModule({ logger }));
    const releaser = await container.get<TenantReleasers>(TOKENS.TenantReleasers).get('acme');
    expect(releaser).toBeInstanceOf(AtomsAutoReleaser);
  });
});
