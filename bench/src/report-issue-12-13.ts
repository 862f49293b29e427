/**
 * Tables and target verdicts of the issue 12 and 13 benchmarks: importing the core alone, Atoms
 * v1 time to live (before/after), rollback per vendor and the ledger's cost per release.
 */
import type { AtomsV1LiveResult } from './atoms-v1-live.js';
import type { CoreImportResult } from './core-import.js';
import type { RollbackLedgerResult } from './rollback-ledger.js';
import { round, type Spread } from './stats.js';

/** One measurement of this checkout, and optionally of an older one (`beforeRoot`). */
export interface BeforeAfter<T> {
  after: T;
  before?: T | undefined;
  beforeRoot?: string | undefined;
}

/** The sections this file renders. */
export interface Issue1213Results {
  coreImport?: BeforeAfter<CoreImportResult>;
  atomsV1Live?: BeforeAfter<AtomsV1LiveResult>;
  rollbackLedger?: RollbackLedgerResult;
  runCounts: Record<string, string>;
}

type Table = (headers: string[], rows: string[][]) => string;

const ms1 = (v: number) => (Number.isFinite(v) ? `${round(v, 1)} ms` : 'n/a');
const num = (v: number, d = 0) => (Number.isFinite(v) ? String(round(v, d)) : 'n/a');
const range = (sp: Spread, f: (v: number) => string) =>
  sp.n === 0 ? 'n/a' : sp.n === 1 ? f(sp.median) : `${f(sp.median)} (${f(sp.min)}–${f(sp.max)})`;
const yes = (b: boolean) => (b ? 'yes' : 'no');

/** The Markdown sections, in order. */
export function renderIssue1213(r: Issue1213Results, table: Table): string[] {
  const parts: string[] = [];
  if (r.coreImport) {
    const rows = (label: string, c: CoreImportResult) => [
      label,
      range(c.importMs, ms1),
      String(c.modulesResolved),
      yes(c.inversifyLoaded),
      yes(c.reflectMetadataLoaded),
    ];
    const body = [rows('after (this checkout)', r.coreImport.after)];
    if (r.coreImport.before) body.unshift(rows(`before (${r.coreImport.beforeRoot})`, r.coreImport.before));
    parts.push(
      `## Importing @agent-release/core alone (${r.runCounts.coreImport})\n${table(
        [
          'checkout',
          'import, median (min–max)',
          'modules resolved',
          'inversify loaded',
          'reflect-metadata loaded',
        ],
        body,
      )}`,
    );
  }
  if (r.atomsV1Live) {
    const rows = (label: string, a: AtomsV1LiveResult) => [
      label,
      `${a.succeeded}/${a.runs}`,
      range(a.lateMs, ms1),
      range(a.polls, (v) => num(v)),
      range(a.requests, (v) => num(v)),
    ];
    const body = [rows('after (this checkout)', r.atomsV1Live.after)];
    if (r.atomsV1Live.before)
      body.unshift(rows(`before (${r.atomsV1Live.beforeRoot})`, r.atomsV1Live.before));
    parts.push(
      `## Atoms v1 time to live, adapter defaults (${r.runCounts.atomsV1Live})\n${table(
        ['checkout', 'live', 'late after the check', 'check polls', 'requests per release'],
        body,
      )}`,
    );
  }
  if (r.rollbackLedger) {
    const rl = r.rollbackLedger;
    parts.push(
      `## Rollback to the previous version (${r.runCounts.rollbackLedger})\n${table(
        ['vendor', 'rolled back', 'time, median (min–max)', 'requests'],
        rl.rollback.map((row) => [
          row.vendor,
          `${row.rolledBack}/${row.runs}`,
          range(row.wallMs, ms1),
          range(row.requests, (v) => num(v, 1)),
        ]),
      )}`,
    );
    parts.push(
      `## Ledger cost per release (Langdock emulator, releases one after another)\n${table(
        ['store', 'ledger time per release', 'ledger calls', 'release wall time'],
        [
          ...rl.ledger.map((row) => [
            row.store,
            range(row.ledgerMsPerRelease, ms1),
            range(row.ledgerCallsPerRelease, (v) => num(v)),
            range(row.releaseMs, ms1),
          ]),
          ['no ledger', '–', '0', range(rl.releaseWithoutLedgerMs, ms1)],
        ],
      )}`,
    );
  }
  return parts;
}

/** The targets of issues 12 and 13 this run can judge. */
export function verdictsIssue1213(r: Issue1213Results): { target: string; measured: string; met: boolean }[] {
  const out: { target: string; measured: string; met: boolean }[] = [];
  if (r.coreImport) {
    const c = r.coreImport.after;
    out.push({
      target: "Import: `import '@agent-release/core'` alone loads no inversify",
      measured: `inversify ${c.inversifyLoaded ? 'loaded' : 'not loaded'}, ${c.modulesResolved} modules, ${ms1(c.importMs.median)}`,
      met: !c.inversifyLoaded,
    });
  }
  if (r.atomsV1Live) {
    const { after, before } = r.atomsV1Live;
    out.push({
      target: 'Atoms v1: median lateness after the check ≤ 200 ms, no more polls than before',
      measured: `${ms1(after.lateMs.median)}, ${num(after.polls.median)} polls${
        before ? ` (before: ${ms1(before.lateMs.median)}, ${num(before.polls.median)} polls)` : ''
      }`,
      met:
        after.succeeded === after.runs &&
        after.lateMs.median <= 200 &&
        (before === undefined || after.polls.median <= before.polls.median),
    });
  }
  return out;
}
