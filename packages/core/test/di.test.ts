import { ConfigurationError, NotFoundError } from '@agent-release/core';
import {
  coreModule,
  releaserModule,
  StaticTenantDirectory,
  type TenantConfig,
  type TenantDirectory,
  TenantReleasers,
  TOKENS,
} from '@agent-release/core/di';
import { InMemoryReleaser } from '@agent-release/core/testing';
import { Container, inject, injectable } from 'inversify';
import { describe, expect, it } from 'vitest';
import { expectNoSecret } from './leak-helpers.js';

const SENTINEL_A = 'sk_SENTINEL_tenant_a_0003';
const SENTINEL_B = 'sk-ld-SENTINEL-tenant-b-0004';

function containerWith(directory: TenantDirectory) {
  const built: TenantConfig[] = [];
  const factory = (activation: 'explicit' | 'on-publish') => (config: TenantConfig) => {
    built.push(config);
    return new InMemoryReleaser({ provider: config.provider, activation });
  };
  const container = new Container();
  container.bind(TOKENS.TenantDirectory).toConstantValue(directory);
  container.load(
    coreModule,
    releaserModule('fake-explicit', factory('explicit')),
    releaserModule('fake-live', factory('on-publish')),
  );
  return { container, built };
}

describe('DI and tenant routing', () => {
  const directory = new StaticTenantDirectory({
    acme: { provider: 'fake-explicit', apiKey: SENTINEL_A },
    globex: { provider: 'fake-live', apiKey: SENTINEL_B, baseUrl: 'https://example.test' },
    orphan: { provider: 'unbound', apiKey: 'sk_x' },
  });

  it('resolves two tenants to two different providers through the container', async () => {
    const { container } = containerWith(directory);
    const releasers = container.get<TenantReleasers>(TOKENS.TenantReleasers);
    expect(releasers).toBeInstanceOf(TenantReleasers);
    const a = await releasers.get('acme');
    const b = await releasers.get('globex');
    expect(a.provider).toBe('fake-explicit');
    expect(a.capabilities.activation).toBe('explicit');
    expect(b.provider).toBe('fake-live');
    expect(b.capabilities.activation).toBe('on-publish');
  });

  it('is a singleton that caches each tenant until invalidated', async () => {
    const { container, built } = containerWith(directory);
    const releasers = container.get<TenantReleasers>(TOKENS.TenantReleasers);
    expect(container.get(TOKENS.TenantReleasers)).toBe(releasers);
    const [first, second] = await Promise.all([releasers.get('acme'), releasers.get('acme')]);
    expect(first).toBe(second);
    expect(built).toHaveLength(1);
    releasers.invalidate('acme');
    const third = await releasers.get('acme');
    expect(third).not.toBe(first);
    expect(built).toHaveLength(2);
    releasers.invalidateAll();
    expect(releasers.size).toBe(0);
  });

  it('picks up rotated credentials after invalidate', async () => {
    const dir = new StaticTenantDirectory({ t: { provider: 'fake-live', apiKey: 'sk_old_key' } });
    const { container, built } = containerWith(dir);
    const releasers = container.get<TenantReleasers>(TOKENS.TenantReleasers);
    await releasers.get('t');
    dir.set('t', { provider: 'fake-live', apiKey: 'sk_new_key' });
    await releasers.get('t');
    expect(built.map((c) => c.apiKey)).toEqual(['sk_old_key']);
    releasers.invalidate('t');
    await releasers.get('t');
    expect(built.map((c) => c.apiKey)).toEqual(['sk_old_key', 'sk_new_key']);
  });

  it('unknown tenant → NotFoundError; unbound provider → ConfigurationError naming the fix; neither cached', async () => {
    const { container } = containerWith(directory);
    const releasers = container.get<TenantReleasers>(TOKENS.TenantReleasers);
    await expect(releasers.get('nobody')).rejects.toBeInstanceOf(NotFoundError);
    const error = await releasers.get('orphan').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('"unbound"');
    expect(releasers.size).toBe(0);
  });

  it('supports async directories (secrets stores)', async () => {
    const asyncDirectory: TenantDirectory = {
      resolve: async (id) => (id === 'x' ? { provider: 'fake-live', apiKey: 'sk_async_key' } : undefined),
    };
    const { container } = containerWith(asyncDirectory);
    const releaser = await container.get<TenantReleasers>(TOKENS.TenantReleasers).get('x');
    expect(releaser.provider).toBe('fake-live');
  });

  it('injects into user services with explicit @inject', async () => {
    @injectable()
    class ReleaseService {
      constructor(@inject(TOKENS.TenantReleasers) readonly releasers: TenantReleasers) {}
      async providerOf(tenant: string) {
        return (await this.releasers.get(tenant)).provider;
      }
    }
    const { container } = containerWith(directory);
    container.bind(ReleaseService).toSelf();
    expect(await container.get(ReleaseService).providerOf('globex')).toBe('fake-live');
  });

  it('the directory never prints credentials', () => {
    expectNoSecret(directory, SENTINEL_A);
    expectNoSecret(directory, SENTINEL_B);
  });

  it('hands the bound logger to adapter factories, and a silent one when none is bound', async () => {
    const lines: string[] = [];
    const mine = { debug: () => {}, info: (m: string) => lines.push(m), warn: () => {}, error: () => {} };
    const seen: unknown[] = [];
    const make = (withLogger: boolean) => {
      const c = new Container();
      c.bind(TOKENS.TenantDirectory).toConstantValue(directory);
      if (withLogger) c.bind(TOKENS.Logger).toConstantValue(mine);
      c.load(
        coreModule,
        releaserModule('fake-live', (_config, deps) => {
          seen.push(deps.logger);
          deps.logger.info('building');
          return new InMemoryReleaser({ activation: 'on-publish' });
        }),
      );
      return c.get<TenantReleasers>(TOKENS.TenantReleasers);
    };
    await make(true).get('globex');
    await make(false).get('globex');
    expect(seen[0]).toBe(mine);
    expect(seen[1]).not.toBe(mine);
    expect(lines).toEqual(['building']);
  });
});
