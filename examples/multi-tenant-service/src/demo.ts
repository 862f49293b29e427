/**
 * The demo: one multi-tenant service, two tenants on two vendors, over real HTTP.
 *
 * Starts the Atoms and Langdock emulators (or uses the real vendors when their keys are in the
 * environment), starts the service on a free port with a SQLite ledger in a temp directory, and
 * tells the story: release, release again (unchanged), the other vendor, an invalid change; then,
 * per vendor, a second release rolled back to the first and the agent's history from the ledger
 * (on the emulators also tenant C, an Atoms agent on the v2 branch model).
 * Exits non-zero if any step did not turn out as the story says, so CI can run it as a test.
 *
 *   DEMO_SECURITY_CHECK_MS   emulated Atoms security check (default 3000)
 *   ATOMS_API_KEY, ATOMS_AGENT_ID, [ATOMS_BASE_URL]           use the real Atoms API for tenant A
 *   LANGDOCK_API_KEY, LANGDOCK_AGENT_ID, [LANGDOCK_BASE_URL]  use the real Langdock API for tenant B
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AtomsEmulator,
  type LangdockEmulator,
  startAtomsEmulator,
  startLangdockEmulator,
} from '@agent-release/emulator';
import { createSqliteLedger } from '@agent-release/ledger';
import { buildApp } from './app.js';
import { buildContainer } from './container.js';
import { rollbackChapter } from './demo-rollback.js';
import { DemoScenarios, type DemoTenant } from './demo-scenarios.js';
import { bold, cyan, dim, line, progressPrinter, red, seconds } from './demo-screen.js';
import type { ReleaseContext } from './service-tokens.js';
import { tenantDirectoryFrom } from './tenants-config.js';

const securityCheckMs = Number(process.env.DEMO_SECURITY_CHECK_MS ?? 3000);
const closers: Array<() => Promise<unknown>> = [];
/** The Atoms emulator, when tenant A runs on it; tenant C's agent lives there too. */
let atomsEmulator: AtomsEmulator | undefined;

async function atomsTenant(): Promise<DemoTenant> {
  const { ATOMS_API_KEY, ATOMS_AGENT_ID, ATOMS_BASE_URL } = process.env;
  if (ATOMS_API_KEY) {
    if (!ATOMS_AGENT_ID)
      throw new Error('ATOMS_API_KEY is set: also set ATOMS_AGENT_ID (an existing agent to release to)');
    return {
      id: 'tenant-a',
      provider: 'atoms',
      agentId: ATOMS_AGENT_ID,
      apiKey: ATOMS_API_KEY,
      baseUrl: ATOMS_BASE_URL ?? 'https://api.smallest.ai/atoms/v1',
      real: true,
    };
  }
  const atoms: AtomsEmulator = await startAtomsEmulator({ securityCheck: { durationMs: securityCheckMs } });
  atomsEmulator = atoms;
  closers.push(() => atoms.close());
  const agentId = atoms.state.createAgent({
    name: 'Acme support line',
    prompt: 'You are the Acme support agent. Answer briefly.',
    tools: [{ type: 'end_call', name: 'end_call', description: 'End the call when the customer is done' }],
    firstMessage: 'Hi, this is Acme support.',
  });
  return {
    id: 'tenant-a',
    provider: 'atoms',
    agentId,
    apiKey: atoms.apiKey,
    baseUrl: atoms.baseUrl,
    real: false,
    requests: () => atoms.requests.length,
    livePrompt: () => atoms.state.activeVersion(agentId)?.config.singlePromptConfig?.prompt,
  };
}

/** Tenant C: an Atoms agent already on the v2 branch model (emulator only). */
function atomsV2Tenant(): DemoTenant | undefined {
  const atoms = atomsEmulator;
  if (!atoms) return undefined;
  const agentId = atoms.state.createAgent({
    name: 'Initech booking line',
    prompt: 'You book Initech meeting rooms.',
    tools: [{ type: 'end_call', name: 'end_call', description: 'End the call when the booking is done' }],
  });
  atoms.state.migrateToV2(agentId);
  const head = () => atoms.state.revisions(agentId, atoms.state.liveBranchId(agentId) ?? '')[0]?.config;
  return {
    id: 'tenant-c',
    provider: 'atoms',
    agentId,
    apiKey: atoms.apiKey,
    baseUrl: atoms.baseUrl,
    real: false,
    requests: () => atoms.requests.length,
    // v2 releases write the prompt to globalPrompt; the migrated v1 config keeps it in singlePromptConfig.
    livePrompt: () => {
      const config = head();
      return (config?.globalPrompt as string | undefined) || config?.singlePromptConfig?.prompt;
    },
  };
}

async function langdockTenant(): Promise<DemoTenant> {
  const { LANGDOCK_API_KEY, LANGDOCK_AGENT_ID, LANGDOCK_BASE_URL } = process.env;
  if (LANGDOCK_API_KEY) {
    if (!LANGDOCK_AGENT_ID) {
      throw new Error(
        'LANGDOCK_API_KEY is set: also set LANGDOCK_AGENT_ID (an existing agent to release to)',
      );
    }
    return {
      id: 'tenant-b',
      provider: 'langdock',
      agentId: LANGDOCK_AGENT_ID,
      apiKey: LANGDOCK_API_KEY,
      baseUrl: LANGDOCK_BASE_URL ?? 'https://api.langdock.com',
      real: true,
    };
  }
  const langdock: LangdockEmulator = await startLangdockEmulator();
  closers.push(() => langdock.close());
  const agentId = langdock.state.createAgent({
    name: 'Globex research assistant',
    instruction: 'You help Globex analysts find sources.',
    publish: true,
  });
  return {
    id: 'tenant-b',
    provider: 'langdock',
    agentId,
    apiKey: langdock.apiKey,
    baseUrl: langdock.baseUrl,
    real: false,
    requests: () => langdock.requests.length,
    livePrompt: () => langdock.state.activeVersion(agentId)?.config.instruction,
  };
}

async function main(): Promise<number> {
  const a = await atomsTenant();
  const b = await langdockTenant();
  const c = atomsV2Tenant();
  const tenants = c ? [a, b, c] : [a, b];
  const directory = tenantDirectoryFrom({
    tenants: Object.fromEntries(
      tenants.map((t) => [
        t.id,
        {
          provider: t.provider,
          apiKey: t.apiKey,
          baseUrl: t.baseUrl,
          // Poll the emulated check a little faster than production so the demo stays snappy.
          ...(t.provider === 'atoms' && !t.real
            ? { options: { securityCheck: { minDelayMs: 250, maxDelayMs: 500 } } }
            : {}),
        },
      ]),
    ),
  });
  // The demo opens the ledger itself (and hands the service the store and its lease) so it can
  // read the history back at the end of each rollback chapter.
  const ledgerDir = mkdtempSync(join(tmpdir(), 'agent-release-demo-'));
  closers.push(async () => rmSync(ledgerDir, { recursive: true, force: true }));
  const ledgerPath = join(ledgerDir, 'releases.db');
  const ledger = await createSqliteLedger({ path: ledgerPath });
  closers.push(() => ledger.close());
  const container = await buildContainer({
    directory,
    ledger,
    lock: ledger.lock,
    observers: (_context: ReleaseContext) => progressPrinter(),
  });
  const app = buildApp(container);
  const service = await app.listen({ host: '127.0.0.1', port: 0 });
  closers.push(() => app.close());

  line(bold('agent-release demo') + dim(' — one service, two tenants, two vendors, real HTTP'));
  for (const t of tenants) {
    const where = t.real
      ? bold(`the REAL ${t.provider} API at ${t.baseUrl}`)
      : `the ${t.provider} emulator at ${t.baseUrl}`;
    line(
      `  ${t.id} → ${cyan(t.provider.padEnd(8))} ${where}${t.provider === 'atoms' && !t.real ? dim(` (security check ${seconds(securityCheckMs)})`) : ''}`,
    );
  }
  line(`  service  → ${service}`);
  line(`  ledger   → ${ledgerPath} ${dim('(SQLite, deleted at exit)')}`);

  const scenarios = new DemoScenarios(service);
  const scenario = (
    tenant: DemoTenant,
    title: string,
    body: Record<string, unknown>,
    expect: Parameters<DemoScenarios['post']>[4],
  ) => scenarios.post(tenant, 'releases', title, body, expect, 'demo-release-bot');

  const stamp = new Date().toISOString();
  const atomsChange = {
    instructions: `You are the Acme support agent. Answer briefly and warmly. (demo ${stamp})`,
  };
  const langdockChange = {
    instructions: `You help Globex analysts find and cite primary sources. (demo ${stamp})`,
  };

  await scenario(
    a,
    'release a prompt change',
    { changes: atomsChange, label: 'warmer greeting' },
    (s, j) => s === 201 && j.status === 'released' && j.version?.isActive === true,
  );
  await scenario(
    a,
    'release the same change again',
    { changes: atomsChange },
    (s, j) => s === 200 && j.status === 'unchanged',
  );
  await scenario(
    b,
    'release a prompt change',
    { changes: langdockChange, description: 'cite sources' },
    (s, j) => s === 201 && j.status === 'released' && j.version?.isActive === true,
  );
  await scenario(
    b,
    'release the same change again (nothing to write: no update, no publish)',
    { changes: langdockChange },
    (s, j) => s === 200 && j.status === 'unchanged',
  );
  await scenario(
    b,
    'an invalid change: firstMessage on a chat agent',
    { changes: { firstMessage: 'Hello!' } },
    (s, j) => s === 400 && j.code === 'VALIDATION',
  );

  await rollbackChapter(scenarios, ledger, a, atomsChange.instructions);
  await rollbackChapter(scenarios, ledger, b, langdockChange.instructions);
  if (c) {
    const v2Change = {
      instructions: `You book Initech meeting rooms; confirm the time twice. (demo ${stamp})`,
    };
    line();
    line(bold('Atoms v2') + dim(' — tenant C’s agent is on the branch model: restore makes a new head'));
    await scenario(
      c,
      'release a prompt change (v2 branch model)',
      { changes: v2Change },
      (s, j) => s === 201 && j.status === 'released' && j.version?.isActive === true,
    );
    await rollbackChapter(scenarios, ledger, c, v2Change.instructions);
  }

  line();
  line(bold('Live versions now'));
  for (const t of tenants) {
    const res = await fetch(`${service}/tenants/${t.id}/agents/${t.agentId}/active`);
    const json = (await res.json()) as { provider: string; active: { id: string; number?: number } | null };
    line(
      `   ${t.id} (${t.provider}): ${json.active ? `${json.active.number !== undefined ? `v${json.active.number} ` : ''}${dim(json.active.id)}` : 'none'}`,
    );
  }

  const failed = scenarios.summary();
  return failed === 0 ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  line(red(`demo failed: ${error instanceof Error ? error.message : String(error)}`));
} finally {
  for (const close of closers.reverse()) await close().catch(() => {});
}
process.exit(code);
