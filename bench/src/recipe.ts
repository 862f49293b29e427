/**
 * The documented Atoms recipe (the lifecycle guide's curl walkthrough), with plain axios:
 * read the active version, fork a draft, patch it, publish, `sleep 6`, activate. It is what a
 * team writes without this library, so it is the baseline the time-to-live benchmark compares to.
 *
 * Like the curl script it does not poll and does not retry; unlike `curl -s > /dev/null` it
 * records whether the activate call was accepted, which is the whole point of the comparison.
 */
import axios from 'axios';
import { nowMs, sleep } from './stats.js';

/** What one run of the recipe did. */
export interface RecipeOutcome {
  /** The activate call answered 2xx: the new version is live. */
  succeeded: boolean;
  activateStatus: number;
  /** The vendor's refusal text when activate failed (e.g. "Security check pending ..."). */
  activateError: string | undefined;
  versionId: string;
  wallMs: number;
  /** Client clock (ms since the epoch) when the activate answer arrived. */
  activateAnsweredAt: number;
  /** Requests sent. */
  requests: number;
}

/** Options of {@link runRecipe}. */
export interface RecipeOptions {
  baseUrl: string;
  apiKey: string;
  agentId: string;
  firstMessage: string;
  /** The guide's fixed wait between publish and activate. Default 6000 (`sleep 6`). */
  sleepMs?: number;
}

/** Runs the recipe once against an Atoms API (the emulator in the benchmark). */
export async function runRecipe(options: RecipeOptions): Promise<RecipeOutcome> {
  const { baseUrl, apiKey, agentId } = options;
  const http = axios.create({
    baseURL: baseUrl,
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    // curl -s never fails on a status: neither does the recipe.
    validateStatus: () => true,
  });
  const started = nowMs();
  // 2. Read the active version id.
  const agent = await http.get(`/agent/${agentId}`);
  const activeVersionId = agent.data.data.activeVersionId as string;
  // 3. Fork a draft from it.
  const fork = await http.post(`/agent/${agentId}/drafts`, { sourceVersionId: activeVersionId });
  const draftId = fork.data.data.draftId as string;
  // 4. Patch the draft's config.
  await http.patch(`/agent/${agentId}/drafts/${draftId}/config`, { firstMessage: options.firstMessage });
  // 5. Publish (not live yet, whatever `activate` says).
  const published = await http.post(`/agent/${agentId}/drafts/${draftId}/publish`, { label: 'recipe' });
  const versionId = published.data.data._id as string;
  // 6. "Sleep 6 s", then activate.
  await sleep(options.sleepMs ?? 6000);
  const activate = await http.patch(`/agent/${agentId}/versions/${versionId}/activate`);
  const activateAnsweredAt = Date.now();
  const ok = activate.status >= 200 && activate.status < 300;
  const errors = (activate.data as { errors?: unknown })?.errors;
  return {
    succeeded: ok,
    activateStatus: activate.status,
    activateError: ok ? undefined : Array.isArray(errors) ? errors.join('; ') : String(activate.statusText),
    versionId,
    wallMs: nowMs() - started,
    activateAnsweredAt,
    requests: 5,
  };
}
