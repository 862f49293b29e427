/**
 * Run in a fresh `node` process by `cold-start.ts`; prints one JSON line.
 *
 * - `cold`: times importing the library packages (core + both adapters, inversify,
 *   reflect-metadata), building a container with coreModule/atomsModule/langdockModule and a
 *   StaticTenantDirectory, and getting the first tenant's releaser.
 * - `memory <n>`: builds `n` tenant releasers through `TenantReleasers` (cached) and reports RSS
 *   and heap before and after (with `--expose-gc`, after a full collection).
 *
 * Imports are dynamic so that their cost is inside the timed region.
 */
const t0 = performance.now();

type Core = typeof import('@agent-release/core/di');

async function loadLibrary() {
  await import('reflect-metadata');
  const { Container } = await import('inversify');
  await import('@agent-release/core');
  const core: Core = await import('@agent-release/core/di');
  const { atomsModule } = await import('@agent-release/adapter-atoms/di');
  const { langdockModule } = await import('@agent-release/adapter-langdock/di');
  return { Container, core, atomsModule, langdockModule };
}

function tenantsFor(n: number): Record<string, { provider: string; apiKey: string; baseUrl: string }> {
  const tenants: Record<string, { provider: string; apiKey: string; baseUrl: string }> = {};
  for (let i = 0; i < n; i++) {
    // Never contacted: building a releaser sends nothing.
    tenants[`tenant-${i}`] =
      i % 2 === 0
        ? { provider: 'atoms', apiKey: `sk_cold_${i}_key`, baseUrl: 'http://127.0.0.1:9/atoms/v1' }
        : { provider: 'langdock', apiKey: `sk-ld-cold-${i}-key`, baseUrl: 'http://127.0.0.1:9' };
  }
  return tenants;
}

async function cold() {
  const lib = await loadLibrary();
  const imported = performance.now();
  const { core } = lib;
  const container = new lib.Container();
  container.bind(core.TOKENS.TenantDirectory).toConstantValue(new core.StaticTenantDirectory(tenantsFor(2)));
  container.load(core.coreModule, lib.atomsModule, lib.langdockModule);
  const releasers = container.get<InstanceType<Core['TenantReleasers']>>(core.TOKENS.TenantReleasers);
  const built = performance.now();
  const releaser = await releasers.get('tenant-0');
  const done = performance.now();
  if (releaser.provider !== 'atoms') throw new Error('wrong releaser');
  return {
    importMs: imported - t0,
    containerMs: built - imported,
    firstReleaserMs: done - built,
    totalMs: done - t0,
    // performance.now() counts from process start: includes node's own boot.
    sinceProcessStartMs: done,
  };
}

async function memory(n: number) {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const lib = await loadLibrary();
  const { core } = lib;
  const container = new lib.Container();
  container.bind(core.TOKENS.TenantDirectory).toConstantValue(new core.StaticTenantDirectory(tenantsFor(n)));
  container.load(core.coreModule, lib.atomsModule, lib.langdockModule);
  const releasers = container.get<InstanceType<Core['TenantReleasers']>>(core.TOKENS.TenantReleasers);
  // One of each provider first, so lazily loaded code is not billed to the 1,000.
  await releasers.get('tenant-0');
  await releasers.get('tenant-1');
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < n; i++) await releasers.get(`tenant-${i}`);
  gc();
  const after = process.memoryUsage();
  if (releasers.size !== n) throw new Error(`expected ${n} cached releasers, got ${releasers.size}`);
  return {
    releasers: releasers.size,
    rssBeforeBytes: before.rss,
    rssAfterBytes: after.rss,
    heapUsedBeforeBytes: before.heapUsed,
    heapUsedAfterBytes: after.heapUsed,
  };
}

const [mode, arg] = process.argv.slice(2);
const result = mode === 'memory' ? await memory(Number(arg ?? 1000)) : await cold();
process.stdout.write(`${JSON.stringify(result)}\n`);
