import type { ReleaseResult, RollbackResult } from '@agent-release/core';
import { bold, dim, green, line, red, seconds } from './demo-screen.js';
import type { Problem } from './problem.js';

/** A tenant of the demo: who it is, which agent it releases to, and the emulator behind it. */
export interface DemoTenant {
  id: string;
  provider: 'atoms' | 'langdock';
  agentId: string;
  apiKey: string;
  baseUrl: string;
  real: boolean;
  /** Request count of the emulator behind this tenant, when there is one. */
  requests?: () => number;
  /** The live prompt as the emulator holds it, when there is one. */
  livePrompt?: () => string | undefined;
}

/** A route answer: the ReleaseResult or RollbackResult on success, a problem body otherwise. */
export type Answer = Partial<Omit<ReleaseResult, 'status'>> &
  Partial<Omit<RollbackResult, 'status'>> &
  Partial<Omit<Problem, 'status'>> & {
    status?: ReleaseResult['status'] | RollbackResult['status'] | number;
  };

interface Row {
  n: number;
  tenant: DemoTenant;
  scenario: string;
  http: string;
  outcome: string;
  version: string;
  live: string;
  requests: string;
  ms: number | undefined;
  ok: boolean;
}

const versionText = (json: Answer) =>
  json.version ? (json.version.number !== undefined ? `v${json.version.number}` : json.version.id) : '—';

/**
 * Runs the demo's scenarios against the service over real HTTP, prints each as it happens and
 * keeps a row per scenario (and per extra check) for the summary. A scenario whose answer does
 * not match its expectation is a failed row; the demo exits non-zero when any row failed.
 */
export class DemoScenarios {
  readonly rows: Row[] = [];

  constructor(private readonly service: string) {}

  /** POSTs `body` to the tenant agent's `route` and checks the answer with `expect`. */
  async post(
    tenant: DemoTenant,
    route: 'releases' | 'rollbacks',
    title: string,
    body: Record<string, unknown>,
    expect: (status: number, json: Answer) => boolean,
    actor?: string,
  ): Promise<Answer> {
    const n = this.rows.length + 1;
    const path = `/tenants/${tenant.id}/agents/${tenant.agentId}/${route}`;
    line();
    line(bold(`▶ ${n}. ${tenant.id} (${tenant.provider}): ${title}`));
    line(dim(`   POST ${path} ${JSON.stringify(body)}${actor ? ` (x-actor: ${actor})` : ''}`));
    const before = tenant.requests?.();
    const started = Date.now();
    const response = await fetch(`${this.service}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(actor ? { 'x-actor': actor } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Answer;
    const ms = Date.now() - started;
    const requests = before === undefined ? '—' : String((tenant.requests?.() ?? before) - before);
    const ok = expect(response.status, json);
    const outcome =
      response.status >= 400
        ? `${json.code}${json.field ? ` (${json.field})` : ''}`
        : json.status === 'unchanged'
          ? `unchanged${json.unchangedReason ? ` (${json.unchangedReason})` : ''}`
          : String(json.status);
    const version = versionText(json);
    const live = json.version ? (json.version.isActive ? 'yes' : 'no') : '—';
    const verdict = ok ? green('as expected') : red('NOT as expected');
    line(
      `   ← ${response.status} ${bold(outcome)}${json.version ? ` ${version}, live: ${live}` : ''} · ${seconds(ms)} · ${requests} request(s) to ${tenant.provider} · ${verdict}`,
    );
    if (response.status >= 400) line(dim(`     ${json.title}: ${json.detail}`));
    this.rows.push({
      n,
      tenant,
      scenario: title,
      http: String(response.status),
      outcome,
      version,
      live,
      requests,
      ms,
      ok,
    });
    return json;
  }

  /** Records a check that is not an HTTP call (emulator state, the ledger) as a summary row. */
  check(tenant: DemoTenant, title: string, ok: boolean, outcome: string): void {
    line(`   ${ok ? green('✓') : red('✗')} ${title}: ${outcome}`);
    this.rows.push({
      n: this.rows.length + 1,
      tenant,
      scenario: title,
      http: '—',
      outcome,
      version: '—',
      live: '—',
      requests: '—',
      ms: undefined,
      ok,
    });
  }

  /** Prints the summary table and the verdict; returns the number of failed rows. */
  summary(): number {
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
    ];
    const table = this.rows.map((r) => [
      String(r.n),
      r.tenant.id,
      r.tenant.provider,
      r.scenario,
      r.http,
      r.outcome,
      r.version,
      r.live,
      r.requests,
      r.ms === undefined ? '—' : seconds(r.ms),
      r.ok ? 'ok' : 'FAIL',
    ]);
    printTable([...header, 'check'], table, (row) => row[10] === 'ok');
    const failed = this.rows.filter((r) => !r.ok).length;
    line();
    line(
      failed === 0
        ? green(`All ${this.rows.length} scenarios behaved as expected.`)
        : red(`${failed} scenario(s) did not behave as expected.`),
    );
    return failed;
  }
}

/** Prints an aligned table; rows `good` rejects are painted red. */
export function printTable(
  header: string[],
  rows: string[][],
  good: (row: string[]) => boolean = () => true,
) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const fmt = (cells: string[]) => `   ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`;
  line(bold(fmt(header)));
  for (const row of rows) line(good(row) ? fmt(row) : red(fmt(row)));
}
