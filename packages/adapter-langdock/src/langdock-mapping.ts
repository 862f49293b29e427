import {
  type AgentChanges,
  agentChangesSchema,
  ValidationError,
  type VersionInfo,
} from '@agent-release/core';
import { parseInput, publishOptionsSchema } from '@agent-release/core/provider';
import type { PublishResponse } from './langdock-api.js';
import { LANGDOCK_PROVIDER } from './langdock-capabilities.js';
import {
  LANGDOCK_INSTRUCTION_MAX,
  type LangdockProviderOptions,
  langdockProviderOptionsSchema,
} from './langdock-config-schema.js';

/**
 * The one place where provider-neutral fields become Langdock fields (and back).
 *
 * Field names follow the Agents API prose pages (`agent-create`, `agent-update`). Langdock's
 * OpenAPI file still describes the older `Assistant` shape with other names and limits:
 * `instructions` (≤ 16384) instead of `instruction` (≤ 40000), `temperature` instead of
 * `creativity`, `capabilities.{webSearch,...}` instead of top-level booleans, `attachmentIds`
 * instead of `attachments`. Should Langdock's live API turn out to follow the OpenAPI file,
 * this table and {@link langdockProviderOptionsSchema} are what change.
 */
export const NEUTRAL_TO_LANGDOCK = Object.freeze({
  /** The system prompt. */
  instructions: 'instruction',
  /** A deployment name from `GET /agent/v1/models`. */
  model: 'model',
  /** Langdock chat agents have no first message: rejected before any request. */
  firstMessage: null,
} as const);

/** Maximum length of the change description sent with `POST /agent/v1/publish`. */
export const LANGDOCK_PUBLISH_DESCRIPTION_MAX = 100;

/** The fields of a `PATCH /agent/v1/update` body besides `agentId`. */
export type LangdockUpdateFields = Omit<LangdockProviderOptions, 'instruction'> & {
  instruction?: string;
  model?: string;
};

const invalid = (path: string, message: string): ValidationError =>
  new ValidationError(`Invalid ${path}: ${message}`, {
    provider: LANGDOCK_PROVIDER,
    issues: [{ path, message }],
  });

/**
 * Maps neutral changes to the fields of `PATCH /agent/v1/update`, validating everything first.
 * Returns `{}` when nothing is for Langdock (e.g. only `providerOptions.atoms`): there is then
 * nothing to send. Other providers' `providerOptions` keys are ignored on purpose, so a tenant
 * can switch vendor without changing call sites.
 *
 * @throws ValidationError for malformed changes, `firstMessage` (no Langdock equivalent), both
 *   `instructions` and `providerOptions.langdock.instruction`, or a Langdock limit exceeded.
 */
export function toLangdockUpdate(changes: AgentChanges): LangdockUpdateFields {
  const neutral = parseInput(agentChangesSchema, changes, 'changes', LANGDOCK_PROVIDER);
  if (neutral.firstMessage !== undefined) {
    throw invalid(
      'changes.firstMessage',
      'Langdock agents have no first message; remove it (suggested prompts are providerOptions.langdock.conversationStarters)',
    );
  }
  const vendor = parseInput(
    langdockProviderOptionsSchema.optional(),
    neutral.providerOptions?.langdock,
    'changes.providerOptions.langdock',
    LANGDOCK_PROVIDER,
  );
  if (neutral.instructions !== undefined && vendor?.instruction !== undefined) {
    throw invalid(
      'changes.providerOptions.langdock.instruction',
      'both changes.instructions and providerOptions.langdock.instruction set the system prompt; give only one',
    );
  }
  if (neutral.instructions !== undefined && neutral.instructions.length > LANGDOCK_INSTRUCTION_MAX) {
    throw invalid(
      'changes.instructions',
      `must be at most ${LANGDOCK_INSTRUCTION_MAX} characters (Langdock's instruction limit; got ${neutral.instructions.length})`,
    );
  }
  const fields: Record<string, unknown> = { ...vendor };
  if (neutral.instructions !== undefined) fields[NEUTRAL_TO_LANGDOCK.instructions] = neutral.instructions;
  if (neutral.model !== undefined) fields[NEUTRAL_TO_LANGDOCK.model] = neutral.model;
  // An explicit `undefined` is "not given", not "clear": drop it so it neither counts as a change
  // nor reaches the wire.
  for (const [key, value] of Object.entries(fields)) if (value === undefined) delete fields[key];
  return fields as LangdockUpdateFields;
}

/**
 * The `description` to send with `POST /agent/v1/publish`, from the neutral publish options.
 *
 * Langdock versions carry one free-text field, a change description of at most 100 characters.
 * Policy: `description` is sent as is; a `label` is sent as the description when no description
 * is given (so call sites written for providers with labels keep working); giving both is a
 * ValidationError, because one of them would otherwise be silently dropped.
 *
 * @throws ValidationError before any request when the text exceeds 100 characters or both are set.
 */
export function toPublishDescription(options: {
  label?: string | undefined;
  description?: string | undefined;
}): string | undefined {
  const { label, description } = parseInput(
    publishOptionsSchema,
    { label: options.label, description: options.description },
    'options',
    LANGDOCK_PROVIDER,
  );
  if (label !== undefined && description !== undefined) {
    throw invalid(
      'options.label',
      'Langdock versions have a single change description; the label is sent as the description only when no description is given, so pass one of label or description',
    );
  }
  const field = description !== undefined ? 'description' : 'label';
  const text = description ?? label;
  if (text !== undefined && text.length > LANGDOCK_PUBLISH_DESCRIPTION_MAX) {
    throw invalid(
      `options.${field}`,
      `must be at most ${LANGDOCK_PUBLISH_DESCRIPTION_MAX} characters: Langdock's publish change description is limited to ${LANGDOCK_PUBLISH_DESCRIPTION_MAX} (got ${text.length}); this is not the agent's 500-character description (providerOptions.langdock.description)`,
    );
  }
  return text;
}

/**
 * The {@link VersionInfo} of a version `POST /agent/v1/publish` just created. Publishing makes
 * it live at once, so `isActive` is true and it went live when it was created.
 */
export function toPublishedVersion(
  agentId: string,
  response: PublishResponse,
  sent: { label?: string | undefined; description?: string | undefined },
): VersionInfo {
  const { version } = response;
  return {
    provider: LANGDOCK_PROVIDER,
    agentId,
    id: version.id,
    number: version.version,
    label: sent.label,
    description: sent.description,
    isActive: true,
    createdAt: version.createdAt,
    activatedAt: version.createdAt,
  };
}
