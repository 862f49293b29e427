import { z } from 'zod';
import { langdockUuidSchema } from './langdock-ids.js';

/** Maximum length of the system prompt (`instruction`), per the Agents API prose docs. */
export const LANGDOCK_INSTRUCTION_MAX = 40_000;

/** `inputType` of a Langdock agent: free chat, or a form of {@link LangdockInputField}s. */
export const langdockInputTypeSchema = z.enum(['PROMPT', 'STRUCTURED']);

/** An action from an integration enabled in the workspace. */
export const langdockActionSchema = z.strictObject({
  /** UUID of the action. */
  actionId: langdockUuidSchema,
  /** Ask the user before the action runs. Langdock's default is `true`. */
  requiresConfirmation: z.boolean().optional(),
});

/**
 * One form field of a `STRUCTURED` agent. Langdock documents `slug` and `type` as required and
 * a handful of optional keys; other keys are passed through untouched, because the field list
 * is not fully specified and rejecting an unknown key would block a valid vendor feature.
 */
export const langdockInputFieldSchema = z.looseObject({
  slug: z.string().min(1, 'must not be empty'),
  type: z.string().min(1, 'must not be empty'),
  label: z.string().optional(),
  required: z.boolean().optional(),
  order: z.number().int().optional(),
  description: z.string().optional(),
  options: z.array(z.string()).optional(),
  fileTypes: z.array(z.string()).optional(),
});

/**
 * `providerOptions.langdock`: the Langdock-only agent fields of `PATCH /agent/v1/update`, named
 * and limited as in the Agents API prose docs (not the older OpenAPI `Assistant` schema, which
 * says `instructions`/`temperature`; see `langdock-mapping.ts`). Strict: a misspelt key is an
 * error rather than a silently ignored change.
 *
 * On update, array fields replace the stored value and `[]` clears them; `emoji: null` and
 * `description: ''` / `instruction: ''` clear those fields.
 */
export const langdockProviderOptionsSchema = z.strictObject({
  /** Agent name, 1–80 characters. */
  name: z.string().min(1, 'must not be empty').max(80, 'must be at most 80 characters').optional(),
  /** The agent's description (≤ 500), not the publish change description (≤ 100). */
  description: z.string().max(500, 'must be at most 500 characters').optional(),
  /** Emoji icon, ≤ 16 characters; `null` clears it. */
  emoji: z.string().max(16, 'must be at most 16 characters').nullable().optional(),
  /**
   * The system prompt, ≤ 40000 characters. Same field as the neutral `instructions`: give one
   * or the other, not both.
   */
  instruction: z
    .string()
    .max(LANGDOCK_INSTRUCTION_MAX, `must be at most ${LANGDOCK_INSTRUCTION_MAX} characters`)
    .optional(),
  inputType: langdockInputTypeSchema.optional(),
  /** Sampling temperature, 0–1 (Langdock's default 0.3). */
  creativity: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional(),
  /** Suggested prompts: at most 20, each 1–255 characters. */
  conversationStarters: z
    .array(z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters'))
    .max(20, 'must have at most 20 entries')
    .optional(),
  actions: z.array(langdockActionSchema).optional(),
  inputFields: z.array(langdockInputFieldSchema).optional(),
  /** Attachment UUIDs. */
  attachments: z.array(langdockUuidSchema).optional(),
  webSearch: z.boolean().optional(),
  imageGeneration: z.boolean().optional(),
  /** Code interpreter. */
  dataAnalyst: z.boolean().optional(),
  canvas: z.boolean().optional(),
  /** Documented for update only, which is the only write this adapter does. */
  extendedThinking: z.boolean().optional(),
});

/** The Langdock-only fields accepted under `changes.providerOptions.langdock`. */
export type LangdockProviderOptions = z.input<typeof langdockProviderOptionsSchema>;
/** `inputType` of a Langdock agent. */
export type LangdockInputType = z.infer<typeof langdockInputTypeSchema>;
/** An entry of {@link LangdockProviderOptions.actions}. */
export type LangdockAction = z.input<typeof langdockActionSchema>;
/** An entry of {@link LangdockProviderOptions.inputFields}. */
export type LangdockInputField = z.input<typeof langdockInputFieldSchema>;

declare module '@agent-release/core' {
  interface ProviderOptions {
    /** Langdock-only agent fields, validated by `langdockProviderOptionsSchema`. */
    langdock?: LangdockProviderOptions | undefined;
  }
}
