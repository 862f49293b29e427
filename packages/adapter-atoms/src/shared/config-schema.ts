/**
 * zod schema of Atoms' `DraftConfigRequest` (the body of `PATCH /agent/{id}/drafts/{draftId}/config`),
 * used to validate `changes.providerOptions.atoms` before any request. Limits come from the
 * Atoms OpenAPI spec and docs (see the package README): a value Atoms would reject is a
 * `ValidationError` here, with the offending field's path.
 *
 * The top level is strict so a typo or an agent-metadata field (`name`, ...) is caught; nested
 * vendor objects keep unknown keys (passthrough) so fields Atoms adds, or server-assigned ids in
 * tools copied from a read, survive unchanged.
 */
import { z } from 'zod';
import {
  atomsSinglePromptConfigSchema,
  type atomsToolSchema,
  HTTP_METHODS,
  httpUrl,
  nonEmpty,
  responseVariable,
} from './tool-schema.js';

/** Models `slmModel` accepts. Also the vocabulary of the neutral `changes.model` on Atoms. */
export const ATOMS_SLM_MODELS = [
  'electron',
  'electron-kogta',
  'electron-kogta-v2',
  'gpt-4o',
  'gpt-4.1',
  'gpt-5.2',
  'gpt-realtime',
  'gpt-realtime-mini',
] as const;

/** One of {@link ATOMS_SLM_MODELS}. */
export type AtomsSlmModel = (typeof ATOMS_SLM_MODELS)[number];

/** `globalPrompt` (workflow_graph agents) is capped at 4000 characters. */
export const ATOMS_GLOBAL_PROMPT_MAX = 4000;

/**
 * Agent metadata that is changed with `PATCH /agent/{id}`, not through a draft: Atoms answers
 * "No recognized config fields" (or silently ignores `telephonyProductId`) when sent to a draft.
 */
export const ATOMS_METADATA_FIELDS = [
  'name',
  'description',
  'avatarUrl',
  'telephonyProductId',
  'allowInboundCall',
  'visibleToEveryone',
] as const;

const unit = z.number().min(0).max(1);
const LANGUAGES = ['en', 'hi', 'mr', 'gu', 'ta', 'es', 'north_indic', 'bn', 'or'] as const;
/** A post-call disposition metric: `ENUM` needs `choices`. */
export const atomsDispositionMetricSchema = z
  .looseObject({
    identifier: z.string().regex(/^[a-z0-9_]+$/, 'must match ^[a-z0-9_]+$ (lower-case letters, digits, _)'),
    dispositionMetricPrompt: nonEmpty,
    dispositionMetricType: z.enum(['STRING', 'BOOLEAN', 'INTEGER', 'ENUM', 'DATETIME']),
    choices: z.array(z.string()).optional(),
  })
  .refine((m) => m.dispositionMetricType !== 'ENUM' || (m.choices !== undefined && m.choices.length > 0), {
    message: 'choices is required (at least one) when dispositionMetricType is "ENUM"',
    path: ['choices'],
  });

const successMetric = z.looseObject({
  identifier: nonEmpty,
  successMetricPrompt: nonEmpty,
  successMetricType: z.enum(['NUMERIC_SCALE', 'PERCENTAGE_SCALE', 'PASS_FAIL', 'DESCRIPTIVE_SCALE']),
});

/** Identifiers must be unique within one metric list (the whole array replaces the stored one). */
function uniqueIdentifiers(
  items: readonly { identifier: string }[] | undefined,
  ctx: z.RefinementCtx,
  key: string,
) {
  const seen = new Set<string>();
  items?.forEach((item, i) => {
    if (seen.has(item.identifier)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate identifier "${item.identifier}"`,
        path: [key, i, 'identifier'],
      });
    }
    seen.add(item.identifier);
  });
}

/** `postCallAnalyticsConfig`. Writes replace the whole `dispositionMetrics` array. */
export const atomsPostCallAnalyticsConfigSchema = z
  .looseObject({
    dispositionMetrics: z.array(atomsDispositionMetricSchema).optional(),
    useInternalAnalyticsModel: z.boolean().optional(),
    useReasoningModel: z.boolean().optional(),
    /** Deprecated by Atoms but still accepted. */
    successMetrics: z.array(successMetric).optional(),
    /** Deprecated by Atoms but still accepted. */
    summaryPrompt: z.string().optional(),
  })
  .superRefine((config, ctx) => {
    uniqueIdentifiers(config.dispositionMetrics, ctx, 'dispositionMetrics');
    uniqueIdentifiers(config.successMetrics, ctx, 'successMetrics');
  });

/** `language`: when sent, `switching` is required (Atoms answers 400 "Invalid Input: Required"). */
export const atomsLanguageSchema = z
  .looseObject({
    default: z.enum(LANGUAGES).optional(),
    supported: z.array(z.enum(LANGUAGES)).optional(),
    switching: z.looseObject(
      {
        isEnabled: z.boolean(),
        minWordsForDetection: z.int().min(1).max(10).optional(),
        strongSignalThreshold: z.number().min(0.1).max(0.9).optional(),
        weakSignalThreshold: z.number().min(0.1).max(0.9).optional(),
        minConsecutiveForWeakThresholdSwitch: z.int().min(1).max(5).optional(),
      },
      { error: 'switching is required when language is sent (e.g. {"isEnabled": false})' },
    ),
  })
  .superRefine((language, ctx) => {
    if (language.default !== undefined && language.supported !== undefined) {
      if (!language.supported.includes(language.default)) {
        ctx.addIssue({ code: 'custom', message: 'default must be one of supported', path: ['default'] });
      }
    }
    if (language.supported?.includes('ta') && language.supported.length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: '"ta" cannot be combined with other languages',
        path: ['supported'],
      });
    }
  });

const synthesizer = z.looseObject({
  voiceConfig: z
    .looseObject({
      model: z.enum(['waves_lightning_v3_1', 'gpt-realtime', 'gpt-realtime-mini']).optional(),
      voiceId: nonEmpty.optional(),
      gender: z.enum(['male', 'female']).optional(),
    })
    .optional(),
  speed: z.number().min(0).max(2).optional(),
  consistency: unit.optional(),
  similarity: unit.optional(),
  enhancement: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  sampleRate: z.union([z.literal(8000), z.literal(16000), z.literal(24000), z.literal(44100)]).optional(),
});

const preCallApi = z.looseObject({
  url: httpUrl,
  method: z.enum(HTTP_METHODS),
  isEnabled: z.boolean().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.record(z.string(), z.unknown()).optional(),
  queryParams: z.record(z.string(), z.unknown()).optional(),
  /** Seconds here, unlike the api_call tool's milliseconds. */
  timeout: z.int().min(1).max(30).optional(),
  responseVariables: z.array(responseVariable).optional(),
});

const seconds0to10 = z.number().min(0).max(10);
const idleSeconds = z.number().min(1).max(300);

// The fields of `DraftConfigRequest` (v1 `PATCH .../config`, and the config part of a v2
// `PUT .../branches/{branchId}/draft`), shared by the two schemas below.
const draftConfigShape = {
  singlePromptConfig: atomsSinglePromptConfigSchema.optional(),
  postCallAnalyticsConfig: atomsPostCallAnalyticsConfigSchema.optional(),
  language: atomsLanguageSchema.optional(),
  synthesizer: synthesizer.optional(),
  preCallAPI: preCallApi.optional(),
  slmModel: z.enum(ATOMS_SLM_MODELS).optional(),
  transcriberType: nonEmpty.optional(),
  customLLMWebSocketUrl: z.url({ protocol: /^wss?$/, error: 'must be a ws(s) URL' }).optional(),
  widgetConfig: z.record(z.string(), z.unknown()).optional(),
  defaultVariables: z.record(z.string(), z.unknown()).optional(),
  globalPrompt: z
    .string()
    .max(ATOMS_GLOBAL_PROMPT_MAX, `must be at most ${ATOMS_GLOBAL_PROMPT_MAX} characters`)
    .optional(),
  globalKnowledgeBaseId: nonEmpty.optional(),
  firstMessage: z.string().optional(),
  allowInterruptions: z.boolean().optional(),
  waitForUserToSpeakFirst: z.boolean().optional(),
  muteUserUntilFirstBotResponse: z.boolean().optional(),
  enableStyleGuide: z.boolean().optional(),
  speechFormatting: z.boolean().optional(),
  interruptionBackoffTimer: seconds0to10.optional(),
  backgroundSound: z.enum(['', 'office', 'cafe', 'call_center', 'static']).optional(),
  smartTurnConfig: z
    .looseObject({ isEnabled: z.boolean().optional(), waitTimeInSecs: seconds0to10.optional() })
    .optional(),
  voiceDetectionConfig: z
    .looseObject({
      confidence: unit.optional(),
      minVolume: unit.optional(),
      triggerTimeInSecs: seconds0to10.optional(),
      releaseTimeInSecs: seconds0to10.optional(),
    })
    .optional(),
  voiceMailDetectionConfig: z
    .looseObject({ enabled: z.boolean().optional(), endText: z.string().max(200).optional() })
    .optional(),
  denoisingConfig: z.looseObject({ isEnabled: z.boolean() }).optional(),
  redactionConfig: z.looseObject({ isEnabled: z.boolean() }).optional(),
  llmIdleTimeoutConfig: z
    .looseObject({
      chatTimeoutTimeInSecs: idleSeconds.optional(),
      webcallTimeoutTimeInSecs: idleSeconds.optional(),
      telephonyTimeoutTimeInSecs: idleSeconds.optional(),
      maxRetries: z.int().min(0).optional(),
    })
    .optional(),
  sessionTimeoutConfig: z
    .looseObject({ timeoutTimeInSecs: z.number().positive().max(3600).optional() })
    .optional(),
  timezone: z.looseObject({ label: nonEmpty, offset: z.number() }).optional(),
  pronunciationDicts: z.array(z.looseObject({ word: nonEmpty, pronunciation: nonEmpty })).optional(),
  workflowType: z.enum(['workflow_graph', 'single_prompt']).optional(),
  callDispositionConfig: z.string().optional(),
};

function refineDraftConfig(
  config: { language?: { default?: string; supported?: string[] }; transcriberType?: string },
  ctx: z.RefinementCtx,
): void {
  const languages = [config.language?.default, ...(config.language?.supported ?? [])];
  if (
    languages.includes('north_indic') &&
    config.transcriberType !== undefined &&
    config.transcriberType !== 'pulse'
  ) {
    ctx.addIssue({
      code: 'custom',
      message: '"north_indic" requires transcriberType "pulse"',
      path: ['transcriberType'],
    });
  }
}

/**
 * The whole `DraftConfigRequest`: every field optional, only the fields sent are changed.
 * Strict at the top level (unknown keys and agent metadata are rejected).
 */
export const atomsDraftConfigSchema = z.strictObject(draftConfigShape).superRefine(refineDraftConfig);

const steeringShape = {
  expectedRevision: z
    .int('must be an integer draft revision')
    .min(0, 'must not be negative')
    .nullable()
    .optional(),
  includeDraftEdits: z.boolean('must be a boolean').optional(),
};

/**
 * `changes.providerOptions.atoms` under v2 (`UpdateBranchDraftRequest` of the published spec):
 * the typed fields validated as on v1 except where the spec differs (`globalPrompt` without the
 * 4,000-character cap, `timezone` an IANA name, `playbooks`, and `pronunciationDicts`,
 * `callDispositionConfig`, `speechFormatting` as objects), and, as the spec's
 * `additionalProperties: true` allows, unknown top-level fields passed through unchanged.
 */
export const atomsV2ProviderOptionsSchema = z
  .looseObject({
    ...draftConfigShape,
    globalPrompt: z.string().optional(),
    timezone: nonEmpty.optional(),
    playbooks: z.unknown().optional(),
    pronunciationDicts: z
      .union([
        z.array(z.looseObject({ word: nonEmpty, pronunciation: nonEmpty })),
        z.record(z.string(), z.unknown()),
      ])
      .optional(),
    callDispositionConfig: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    speechFormatting: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
    ...steeringShape,
  })
  .superRefine(refineDraftConfig);

/**
 * `changes.providerOptions.atoms`: any subset of Atoms' draft config fields, plus
 * `expectedRevision`, the draft revision the edit is based on (Atoms v2 optimistic concurrency):
 * a number is sent as is (a concurrent edit of the same fields is then a `DraftConflictError`);
 * `null` sends none (last write wins); absent, the adapter sends the revision it read itself.
 * `includeDraftEdits: true` (v2) ships unpublished edits someone else left in the branch's draft
 * along with this change; by default such a draft is refused with a `ConflictError`.
 */
export const atomsProviderOptionsSchema = z
  .strictObject({ ...draftConfigShape, ...steeringShape })
  .superRefine(refineDraftConfig);

/**
 * What callers may put in `changes.providerOptions.atoms`: v1 `DraftConfigRequest` fields, or
 * (v2) `UpdateBranchDraftRequest` fields, plus `expectedRevision` and `includeDraftEdits`.
 */
export type AtomsProviderOptions =
  | z.input<typeof atomsProviderOptionsSchema>
  | z.input<typeof atomsV2ProviderOptionsSchema>;
/** A validated `DraftConfigRequest` body, as sent to `PATCH .../drafts/{draftId}/config` (v1) or `PUT .../draft` (v2). */
export type AtomsDraftConfig = z.output<typeof atomsDraftConfigSchema>;
/** A single_prompt agent tool. */
export type AtomsTool = z.input<typeof atomsToolSchema>;
/** `singlePromptConfig`: the prompt and the complete tool list. */
export type AtomsSinglePromptConfig = z.input<typeof atomsSinglePromptConfigSchema>;
/** `postCallAnalyticsConfig`. */
export type AtomsPostCallAnalyticsConfig = z.input<typeof atomsPostCallAnalyticsConfigSchema>;
/** One disposition metric of `postCallAnalyticsConfig`. */
export type AtomsDispositionMetric = z.input<typeof atomsDispositionMetricSchema>;
/** `language` (with its required `switching`). */
export type AtomsLanguageConfig = z.input<typeof atomsLanguageSchema>;

declare module '@agent-release/core' {
  interface ProviderOptions {
    /** Atoms-only draft config fields, validated by `atomsProviderOptionsSchema`. */
    atoms?: AtomsProviderOptions;
  }
}
