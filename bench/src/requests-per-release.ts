/**
 * Requests per release, counted from the emulators' request logs (what the vendor would see and
 * bill), not from client-side hooks.
 *
 * Atoms target: ≤ 7 requests plus security-check polls, and ≤ 12 polls for a 6 s check.
 * Langdock target: ≤ 3.
 */

import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import { release } from '@agent-release/core';
import { type RequestLogEntry, startAtomsEmulator, startLangdockEmulator } from '@agent-release/emulator';
import { type Spread, spread } from './stats.js';

/** An Atoms request named by what it is for. */
export type AtomsOperation =
  | 'getAgent'
  | 'forkDraft'
  | 'patchDraftConfig'
  | 'getDraft'
  | 'diffDraft'
  | 'discardDraft'
  | 'listVersions'
  | 'publish'
  | 'getVersion'
  | 'activate'
  | 'other';

/** Names an Atoms emulator log entry (paths are relative to the Atoms base URL). */
export function atomsOperationOf(entry: Pick<RequestLogEntry, 'method' | 'path'>): AtomsOperation {
  const { method, path } = entry;
  if (method === 'GET' && /^\/agent\/[^/]+$/.test(path)) return 'getAgent';
  if (method === 'POST' && /^\/agent\/[^/]+\/drafts$/.test(path)) return 'forkDraft';
  if (method === 'PATCH' && /^\/agent\/[^/]+\/drafts\/[^/]+\/config$/.test(path)) return 'patchDraftConfig';
  if (method === 'GET' && /^\/agent\/[^/]+\/drafts\/[^/]+\/diff$/.test(path)) return 'diffDraft';
  if (method === 'GET' && /^\/agent\/[^/]+\/drafts\/[^/]+$/.test(path)) return 'getDraft';
  if (method === 'DELETE' && /^\/agent\/[^/]+\/drafts\/[^/]+$/.test(path)) return 'discardDraft';
  if (method === 'POST' && /^\/agent\/[^/]+\/drafts\/[^/]+\/publish$/.test(path)) return 'publish';
  if (method === 'GET' && /^\/agent\/[^/]+\/versions$/.test(path)) return 'listVersions';
  if (method === 'GET' && /^\/agent\/[^/]+\/versions\/[^/]+$/.test(path)) return 'getVersion';
  if (method === 'PATCH' && /^\/agent\/[^/]+\/versions\/[^/]+\/activate$/.test(path)) return 'activate';
  return 'other';
}

/** One Atoms release's requests, split into lifecycle requests and security-check polls. */
export interface AtomsRequestCount {
  total: number;
  /** Reads of the version (and refused activates) while waiting for the security check. */
  polls: number;
  /** Everything else: the requests a release needs whatever the check takes. */
  lifecycle: number;
  byOperation: Partial<Record<AtomsOperation, number>>;
}

/**
 * Counts one agent's requests in an Atoms log. A poll is a `getVersion` or a refused `activate`
 * between the publish and the accepted activate; the `getVersion` after it is the confirm step.
 */
export function countAtomsRequests(log: readonly RequestLogEntry[], agentId: string): AtomsRequestCount {
  const mine = log.filter((e) => e.path.startsWith(`/agent/${agentId}`));
  const byOperation: Partial<Record<AtomsOperation, number>> = {};
  let polls = 0;
  let published = false;
  let activated = false;
  for (const entry of mine) {
    const op = atomsOperationOf(entry);
    byOperation[op] = (byOperation[op] ?? 0) + 1;
    const ok = typeof entry.status === 'number' && entry.status >= 200 && entry.status < 300;
    if (op === 'publish' && ok) published = true;
    if (published && !activated) {
      if (op === 'getVersion') polls += 1;
      if (op === 'activate') {
        if (ok) activated = true;
        else polls += 1;
      }
    }
  }
  return { total: mine.length, polls, lifecycle: mine.length - polls, byOperation };
}

/** Results of the requests-per-release benchmark. */
export interface RequestsResult {
  runs: number;
  atoms: {
    checkMs: number;
    total: Spread;
    lifecycle: Spread;
    polls: Spread;
    /** Breakdown of the first run. */
    byOperation: Partial<Record<AtomsOperation, number>>;
  };
  langdock: { total: Spread; byOperation: Record<string, number> };
  /** The documented recipe's count, for reference: it neither polls nor confirms. */
  recipe: number;
}

/** Options of {@link measureRequestsPerRelease}. */
export interface RequestsOptions {
  runs: number;
  /** Atoms security-check duration. The target is stated for the documented ~6 s. */
  checkMs: number;
}

/**
 * Releases one change per run on each vendor with the adapters' default options and counts the
 * requests in the emulator log. Atoms runs go concurrently on separate agents (the log is split
 * per agent), which saves wall time and changes no count.
 */
export async function measureRequestsPerRelease(options: RequestsOptions): Promise<RequestsResult> {
  const atoms = await startAtomsEmulator({ securityCheck: { durationMs: options.checkMs } });
  const langdock = await startLangdockEmulator();
  try {
    const atomsReleaser = createAtomsReleaser({ apiKey: atoms.apiKey, baseUrl: atoms.baseUrl });
    const agents = Array.from({ length: options.runs }, (_, i) =>
      atoms.state.createAgent({ name: `rpr-${i}`, prompt: 'You are a bench agent.' }),
    );
    await Promise.all(
      agents.map((agentId, i) => release(atomsReleaser, agentId, { instructions: `Requests run ${i}.` })),
    );
    const log = atoms.requests;
    const counts = agents.map((agentId) => countAtomsRequests(log, agentId));

    const langdockReleaser = createLangdockReleaser({ apiKey: langdock.apiKey, baseUrl: langdock.baseUrl });
    const langdockTotals: number[] = [];
    let langdockOps: Record<string, number> = {};
    for (let i = 0; i < options.runs; i++) {
      const agentId = langdock.state.createAgent({ name: `rpr-${i}`, instruction: 'v1', publish: true });
      langdock.clearRequests();
      await release(langdockReleaser, agentId, { instructions: `Requests run ${i}.` });
      const entries = langdock.requests;
      langdockTotals.push(entries.length);
      if (i === 0) {
        langdockOps = {};
        for (const e of entries)
          langdockOps[`${e.method} ${e.path}`] = (langdockOps[`${e.method} ${e.path}`] ?? 0) + 1;
      }
    }

    return {
      runs: options.runs,
      atoms: {
        checkMs: options.checkMs,
        total: spread(counts.map((c) => c.total)),
        lifecycle: spread(counts.map((c) => c.lifecycle)),
        polls: spread(counts.map((c) => c.polls)),
        byOperation: counts[0]?.byOperation ?? {},
      },
      langdock: { total: spread(langdockTotals), byOperation: langdockOps },
      recipe: 5,
    };
  } finally {
    await atoms.close();
    await langdock.close();
  }
}
