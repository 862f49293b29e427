/**
 * The demo: one multi-tenant service, two tenants on two vendors, over real HTTP.
 *
 * Starts the Atoms and Langdock emulators (or uses the real vendors when their keys are in the
 * environment), starts the service on a free port, and tells the story: release, release again
 * (unchanged), the other vendor, an invalid change. Exits non-zero if any step did not turn out
 * as the story says, so CI can run it as a test.
 *
 *   DEMO_SECURITY_CHECK_MS   emulated Atoms security check (default 3000)
 *   ATOMS_API_KEY, ATOMS_AGENT_ID, [ATOMS_BASE_URL]           use the real Atoms API for tenant A
 *   LANGDOCK_API_KEY, LANGDOCK_AGENT_ID, [LANGDOCK_BASE_URL]  use the real Langdock API for tenant B
 */
import type { ReleaseResult } from '@agent-release/core';
import {
  type AtomsEmulator,
  type LangdockEmulator,
  startAtomsEmulator,
  startLangdockEmulator,
} from '@agent-release/emulator';
import { buildApp } from './app.js';
import { buildContainer } from './container.js';
import { bold, cyan, dim, green, line, progressPrinter, red, seconds } from './demo-screen.js';
import type { Problem } from './problem.js';
import type { ReleaseContext } from './service-tokens.js';
import { tenantDirectoryFrom } from './tenants-config.js';

interface Tenant {
  id: string;
  provider: 'atoms' | 'langdock';
  agentId: string;
  apiKey: string;
  baseUrl: string;
  real: boolean;
  /** Request count of the emulator behind this tenant, when there is one. */
  requests?: () => number;
}

/** A release route answer: the ReleaseResult on success, a problem body otherwise. */
type Answer = Partial<Omit<ReleaseResult, 'status'>> &
  Partial<Omit<Problem, 'status'>> & { status?: ReleaseResult['status'] | number };

interface Row {
  n: number;
  tenant: Tenant;
  scenario: string;
  http: number;
  outcome: string;
  version: string;
  live: string;
  requests: string;
  ms: number;
  ok: boolean;
}

const securityCheckMs = Number(process.env.DEMO_SECURITY_CHECK_MS ?? 3000);
const closers: Array<() => Promise<unknown>> = [];

async function atomsTenant(): Promise<Tenant> {
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
  };
}

async function langdockTenant(): Promise<Tenant> {
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
  };
}

async function main(): Promise<number> {
  const tenants = [await atomsTenant(), await langdockTenant()] as const;
  const [a, b] = tenants;
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
  const container = buildContainer({
    directory,
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

  const rows: Row[] = [];
  const scenario = async (
    tenant: Tenant,
    title: string,
    body: Record<string, unknown>,
    expect: (status: number, json: Answer) => boolean,
  ) => {
    const n = rows.length + 1;
    line();
    line(bold(`▶ ${n}. ${tenant.id} (${tenant.provider}): ${title}`));
    line(dim(`   POST /tenants/${tenant.id}/agents/${tenant.agentId}/releases ${JSON.stringify(body)}`));
    const before = tenant.requests?.();
    const started = Date.now();
    const response = await fetch(`${service}/tenants/${tenant.id}/agents/${tenant.agentId}/releases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Answer;
    const ms = Date.now() - started;
    const requests = before === undefined ? '—' : String(tenant.requests!() - before);
    const ok = expect(response.status, json);
    const outcome =
      response.status >= 400
        ? `${json.code}${json.field ? ` (${json.field})` : ''}`
        : json.status === 'unchanged'
          ? `unchanged${json.unchangedReason ? ` (${json.unchangedReason})` : ''}`
          : String(json.status);
    const version = json.version
      ? json.version.number !== undefined
        ? `v${json.version.number}`
        : json.version.id
      : '—';
    const live = json.version ? (json.version.isActive ? 'yes' : 'no') : '—';
    const verdict = ok ? green('as expected') : red('NOT as expected');
    line(
      `   ← ${response.status} ${bold(outcome)}${json.version ? ` ${version}, live: ${live}` : ''} · ${seconds(ms)} · ${requests} request(s) to ${tenant.provider} · ${verdict}`,
    );
    if (response.status >= 400) line(dim(`     ${json.title}: ${json.detail}`));
    rows.push({
      n,
      tenant,
      scenario: title,
      http: response.status,
      outcome,
      version,
      live,
      requests,
      ms,
      ok,
    });
  };

  const atomsChange = {
    instructions: `You are the Acme support agent. Answer briefly and warmly. (demo ${new Date().toISOString()})`,
  };
  const langdockChange = {
    instructions: `You help Globex analysts find and cite primary sources. (demo ${new Date().toISOString()})`,
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

  line();
  line(bold('Live versions now'));
  for (const t of tenants) {
    const res = await fetch(`${service}/tenants/${t.id}/agents/${t.agentId}/active`);
    const json = (await res.json()) as { provider: string; active: { id: string; number?: number } | null };
    line(
      `   ${t.id} (${t.provider}): ${json.active ? `${json.active.number !== undefined ? `v${json.active.number} ` : ''}${dim(json.active.id)}` : 'none'}`,
    );
  }

  line();
  line(bold('Summary'));
  const header = [
    '#',
    'tenant',
    'vendor',
    'scenario',
    'HTTP',
    'result',
    'version',
    'live',
    'requests',
    'time',
    'check',
  ];
  const table = rows.map((r) => [
    String(r.n),
    r.tenant.id,
    r.tenant.provider,
    r.scenario,
    String(r.http),
    r.outcome,
    r.version,
    r.live,
    r.requests,
    seconds(r.ms),
    r.ok ? 'ok' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const fmt = (cells: string[]) => `   ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`;
  line(bold(fmt(header)));
  for (const row of table) line(row[10] === 'ok' ? fmt(row) : red(fmt(row)));
  const failed = rows.filter((r) => !r.ok).length;
  line();
  line(
    failed === 0
      ? green(`All ${rows.length} scenarios behaved as expected.`)
      : red(`${failed} scenario(s) did not behave as expected.`),
  );
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
