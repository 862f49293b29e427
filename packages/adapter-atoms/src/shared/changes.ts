/**
 * Pure mapping between the provider-neutral port and Atoms shapes: input validation of
 * `AgentChanges`, the `DraftConfigRequest` body an edit sends (v1 `PATCH .../config` and v2
 * `PUT .../draft` take the same fields) and the publish body. No I/O here; the releasers call
 * these around their requests.
 */
import {
  type AgentChanges,
  agentChangesSchema,
  UnexpectedResponseError,
  ValidationError,
  type ValidationIssue,
} from '@agent-release/core';
import { parseInput } from '@agent-release/core/provider';
import { z } from 'zod';
import type { AtomsAgentRow } from './api.js';
import {
  ATOMS_GLOBAL_PROMPT_MAX,
  ATOMS_METADATA_FIELDS,
  ATOMS_SLM_MODELS,
  type AtomsDraftConfig,
  type AtomsSlmModel,
  atomsProviderOptionsSchema,
  atomsV2ProviderOptionsSchema,
} from './config-schema.js';
import { ATOMS_PROVIDER } from './ids.js';

/** `AgentChanges` after validation, split into what the neutral fields ask and the raw Atoms config. */
export interface AtomsChangeSet {
  /** Neutral `instructions`: v1 `singlePromptConfig.prompt` or `globalPrompt` by workflow type; v2 always `globalPrompt`. */
  instructions?: string | undefined;
  firstMessage?: string | undefined;
  slmModel?: AtomsSlmModel | undefined;
  /** Validated `providerOptions.atoms` (a partial `DraftConfigRequest`), without `expectedRevision`. */
  config: AtomsDraftConfig;
  /**
   * `providerOptions.atoms.expectedRevision`: the draft revision the edit is based on; `null`
   * means "send none" (last write wins); `undefined` lets the adapter use the revision it read.
   */
  expectedRevision?: number | null | undefined;
  /** `providerOptions.atoms.includeDraftEdits`: ship others' unpublished draft edits too (v2). */
  includeDraftEdits?: boolean | undefined;
}

/** The kind of agent, which decides where `instructions` go. */
export type AtomsWorkflowType = 'single_prompt' | 'workflow_graph';

/** What the edit needs to know about the agent (or draft) being edited. */
export interface AtomsEditContext {
  workflowType: AtomsWorkflowType;
  /** The agent's current tools; `undefined` when the read did not include them. */
  tools: readonly unknown[] | undefined;
  /** The longest `globalPrompt` this API generation takes: default 4,000 (v1); v2 has no cap. */
  globalPromptMax?: number | undefined;
}

function fail(message: string, issues: ValidationIssue[]): never {
  throw new ValidationError(message, { provider: ATOMS_PROVIDER, issues });
}

const OPTIONS_PATH = 'changes.providerOptions.atoms';

/**
 * Validates `changes` for Atoms without sending anything: the neutral schema, `model` against
 * Atoms' `slmModel` enum, `providerOptions.atoms` against the `DraftConfigRequest` schema, and
 * neutral fields that would collide with the same Atoms field. Other providers' keys are ignored.
 * @throws ValidationError naming the offending field.
 */
export function parseAtomsChanges(changes: unknown, generation: 'v1' | 'v2' = 'v1'): AtomsChangeSet {
  const neutral = parseInput(agentChangesSchema, changes, 'changes', ATOMS_PROVIDER) as AgentChanges;

  let slmModel: AtomsSlmModel | undefined;
  if (neutral.model !== undefined) {
    if (!(ATOMS_SLM_MODELS as readonly string[]).includes(neutral.model)) {
      fail(
        `Invalid changes: model "${neutral.model}" is not an Atoms model; use one of ${ATOMS_SLM_MODELS.join(', ')}`,
        [{ path: 'changes.model', message: `must be one of ${ATOMS_SLM_MODELS.join(', ')}` }],
      );
    }
    slmModel = neutral.model as AtomsSlmModel;
  }

  const rawOptions = neutral.providerOptions?.atoms as Record<string, unknown> | undefined;
  let config: AtomsDraftConfig = {};
  let expectedRevision: number | null | undefined;
  let includeDraftEdits: boolean | undefined;
  if (rawOptions !== undefined) {
    // Agent metadata is a different endpoint (PATCH /agent/{id}); a draft would reject or ignore it.
    const metadata = ATOMS_METADATA_FIELDS.filter((field) => field in rawOptions);
    if (metadata.length > 0) {
      fail(
        `Invalid changes: ${metadata.map((f) => `"${f}"`).join(', ')} ${metadata.length > 1 ? 'are' : 'is'} Atoms agent metadata, not a draft config field; a release cannot change ${metadata.length > 1 ? 'them' : 'it'} (update the agent with PATCH /agent/{id} instead)`,
        metadata.map((field) => ({
          path: `${OPTIONS_PATH}.${field}`,
          message: 'is agent metadata, not a config field',
        })),
      );
    }
    const schema = generation === 'v2' ? atomsV2ProviderOptionsSchema : atomsProviderOptionsSchema;
    const parsed = parseInput(schema, rawOptions, OPTIONS_PATH, ATOMS_PROVIDER);
    // `expectedRevision` steers the write; it is not a config field of the draft.
    const { expectedRevision: revision, includeDraftEdits: include, ...rest } = parsed;
    config = rest as AtomsDraftConfig;
    expectedRevision = revision;
    includeDraftEdits = include;
  }

  // The same Atoms field from two places has no obvious winner: refuse rather than guess.
  const collisions: ValidationIssue[] = [];
  if (neutral.instructions !== undefined) {
    for (const field of ['singlePromptConfig', 'globalPrompt'] as const) {
      if (config[field] !== undefined) {
        collisions.push({
          path: `${OPTIONS_PATH}.${field}`,
          message: `is ambiguous together with changes.instructions (both set the prompt); give one of them`,
        });
      }
    }
  }
  if (neutral.firstMessage !== undefined && config.firstMessage !== undefined) {
    collisions.push({
      path: `${OPTIONS_PATH}.firstMessage`,
      message: 'is ambiguous together with changes.firstMessage; give one of them',
    });
  }
  if (slmModel !== undefined && config.slmModel !== undefined) {
    collisions.push({
      path: `${OPTIONS_PATH}.slmModel`,
      message: 'is ambiguous together with changes.model; give one of them',
    });
  }
  if (collisions.length > 0) {
    const first = collisions[0]!;
    fail(`Invalid changes: ${first.path} ${first.message}`, collisions);
  }

  return {
    ...(neutral.instructions !== undefined ? { instructions: neutral.instructions } : {}),
    ...(neutral.firstMessage !== undefined ? { firstMessage: neutral.firstMessage } : {}),
    ...(slmModel !== undefined ? { slmModel } : {}),
    config,
    ...(expectedRevision !== undefined ? { expectedRevision } : {}),
    ...(includeDraftEdits !== undefined ? { includeDraftEdits } : {}),
  };
}

/** Whether building the edit needs the agent's current tools (instructions on a single_prompt agent). */
export function needsCurrentConfig(changes: AtomsChangeSet): boolean {
  return changes.instructions !== undefined;
}

/**
 * The agent's workflow type: the explicit field, else inferred from a resolved workflow graph.
 * Atoms creates `single_prompt` agents by default.
 */
export function workflowTypeOf(agent: AtomsAgentRow): AtomsWorkflowType {
  if (agent.workflowType === 'workflow_graph' || agent.workflowType === 'single_prompt')
    return agent.workflowType;
  const graph = agent._resolvedConfig?.workflowGraph ?? agent._versionedWorkflow?.workflowGraph;
  return graph !== undefined && graph !== null ? 'workflow_graph' : 'single_prompt';
}

/** The tools of the resolved config (`_resolvedConfig`, else the deprecated `_versionedWorkflow`). */
export function toolsOf(agent: AtomsAgentRow): readonly unknown[] | undefined {
  const tools = agent._resolvedConfig?.tools ?? agent._versionedWorkflow?.tools;
  if (tools === null) return [];
  return tools;
}

/**
 * The `PATCH .../drafts/{draftId}/config` body for a change set. Empty when nothing maps to Atoms
 * (then no PATCH is sent and publish finds no changes).
 *
 * `instructions` go to `singlePromptConfig` for single_prompt agents. Atoms replaces that object
 * wholesale and defaults `tools` to `[]`, so the agent's existing tools are always sent along:
 * without them a prompt edit would delete every tool. workflow_graph agents take `globalPrompt`
 * (at most 4000 characters), which only this step can check because it depends on the agent.
 *
 * @throws ValidationError for a too-long globalPrompt; UnexpectedResponseError when the agent's
 *   tools could not be read (rather than risk wiping them).
 */
export function toDraftConfigBody(
  changes: AtomsChangeSet,
  context: AtomsEditContext,
): Record<string, unknown> {
  const body: Record<string, unknown> = { ...changes.config };
  if (changes.instructions !== undefined) {
    if (context.workflowType === 'workflow_graph') {
      const max = context.globalPromptMax ?? ATOMS_GLOBAL_PROMPT_MAX;
      if (changes.instructions.length > max) {
        fail(
          `Invalid changes: instructions are ${changes.instructions.length} characters; this agent is a workflow_graph agent, whose globalPrompt holds at most ${max}`,
          [
            {
              path: 'changes.instructions',
              message: `must be at most ${max} characters for a workflow_graph agent`,
            },
          ],
        );
      }
      body.globalPrompt = changes.instructions;
    } else {
      if (context.tools === undefined) {
        throw new UnexpectedResponseError(
          `${ATOMS_PROVIDER} editDraft: the agent's current tools were not in the response (_resolvedConfig.tools); refusing to send a prompt that would replace them`,
          { provider: ATOMS_PROVIDER, operation: 'editDraft', field: '_resolvedConfig.tools' },
        );
      }
      body.singlePromptConfig = { prompt: changes.instructions, tools: [...context.tools] };
    }
  }
  if (changes.firstMessage !== undefined) body.firstMessage = changes.firstMessage;
  if (changes.slmModel !== undefined) body.slmModel = changes.slmModel;
  return body;
}

/** Publish options Atoms accepts: `label` ≤ 200, `description` ≤ 2000 characters. */
export const atomsPublishOptionsSchema = z.object({
  label: z.string('must be a string').max(200, 'must be at most 200 characters').optional(),
  description: z.string('must be a string').max(2000, 'must be at most 2000 characters').optional(),
});

/**
 * The `POST .../publish` body: only the fields given. `activate` is never sent: Atoms ignores it
 * (documented), and activation is the explicit, checked step.
 * @throws ValidationError when a limit is exceeded.
 */
export function toPublishBody(options: { label?: string | undefined; description?: string | undefined }) {
  const parsed = parseInput(
    atomsPublishOptionsSchema,
    { label: options.label, description: options.description },
    'options',
    ATOMS_PROVIDER,
  );
  return {
    ...(parsed.label !== undefined ? { label: parsed.label } : {}),
    ...(parsed.description !== undefined ? { description: parsed.description } : {}),
  };
}

/** Paging of `listVersions`: `limit` 1–100 (default 20), `skip` ≥ 0 (default 0). */
export const atomsListVersionsOptionsSchema = z.object({
  limit: z.int('must be an integer').min(1, 'must be at least 1').max(100, 'must be at most 100').optional(),
  skip: z.int('must be an integer').min(0, 'must not be negative').optional(),
});
