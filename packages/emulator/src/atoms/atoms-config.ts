import { deepEqual, isPlainObject, type LeafChange, leafChanges } from '../kit/json-utils.js';

/** The 13 config sections an Atoms version is stored in (`AgentVersion.blocks`). */
export type AtomsSection =
  | 'workflow_prompt'
  | 'workflow_tools'
  | 'workflow_graph'
  | 'llm'
  | 'voice'
  | 'language'
  | 'call_handling'
  | 'detection'
  | 'analytics'
  | 'timeouts'
  | 'audio'
  | 'privacy'
  | 'widget';

export const ATOMS_SECTIONS: readonly AtomsSection[] = [
  'workflow_prompt',
  'workflow_tools',
  'workflow_graph',
  'llm',
  'voice',
  'language',
  'call_handling',
  'detection',
  'analytics',
  'timeouts',
  'audio',
  'privacy',
  'widget',
];

/**
 * A version's runtime config, keyed like `DraftConfigRequest`. `singlePromptConfig` carries both
 * the prompt and the tools, which is why editing one without the other wipes the tools.
 */
export interface AtomsConfig {
  singlePromptConfig?: { prompt: string; tools: unknown[] };
  [field: string]: unknown;
}

// singlePromptConfig is split across workflow_prompt (prompt) and workflow_tools (tools).
const FIELD_SECTIONS: Record<string, AtomsSection> = {
  globalPrompt: 'workflow_prompt',
  workflowType: 'workflow_graph',
  slmModel: 'llm',
  customLLMWebSocketUrl: 'llm',
  globalKnowledgeBaseId: 'llm',
  defaultVariables: 'llm',
  synthesizer: 'voice',
  pronunciationDicts: 'voice',
  enableStyleGuide: 'voice',
  speechFormatting: 'voice',
  language: 'language',
  transcriberType: 'language',
  firstMessage: 'call_handling',
  allowInterruptions: 'call_handling',
  waitForUserToSpeakFirst: 'call_handling',
  muteUserUntilFirstBotResponse: 'call_handling',
  interruptionBackoffTimer: 'call_handling',
  preCallAPI: 'call_handling',
  smartTurnConfig: 'call_handling',
  timezone: 'call_handling',
  voiceDetectionConfig: 'detection',
  voiceMailDetectionConfig: 'detection',
  postCallAnalyticsConfig: 'analytics',
  callDispositionConfig: 'analytics',
  llmIdleTimeoutConfig: 'timeouts',
  sessionTimeoutConfig: 'timeouts',
  backgroundSound: 'audio',
  denoisingConfig: 'audio',
  redactionConfig: 'privacy',
  widgetConfig: 'widget',
};

/** Every field `PATCH /drafts/{draftId}/config` recognises. */
export const CONFIG_FIELDS: readonly string[] = ['singlePromptConfig', ...Object.keys(FIELD_SECTIONS)];

/** Agent metadata `PATCH /agent/{id}` accepts on a versioned agent. */
export const METADATA_FIELDS: readonly string[] = [
  'name',
  'description',
  'avatarUrl',
  'telephonyProductId',
  'allowInboundCall',
  'visibleToEveryone',
];

export const SLM_MODELS = [
  'electron',
  'electron-kogta',
  'electron-kogta-v2',
  'gpt-4o',
  'gpt-4.1',
  'gpt-5.2',
  'gpt-realtime',
  'gpt-realtime-mini',
] as const;

/** Models that answer 403 on create unless the organisation has access. */
export const GATED_MODELS: readonly string[] = ['gpt-5.2', 'electron-kogta', 'electron-kogta-v2'];

/** The config a new agent's version 1 starts from (server defaults). */
export function defaultConfig(workflowType: string): AtomsConfig {
  return {
    workflowType,
    singlePromptConfig: { prompt: '', tools: [] },
    globalPrompt: '',
    firstMessage: '',
    slmModel: 'electron',
    transcriberType: 'pulse',
    language: {
      default: 'en',
      supported: ['en'],
      switching: {
        isEnabled: false,
        minWordsForDetection: 2,
        strongSignalThreshold: 0.7,
        weakSignalThreshold: 0.3,
        minConsecutiveForWeakThresholdSwitch: 2,
      },
    },
    synthesizer: {
      voiceConfig: { model: 'waves_lightning_v3_1', voiceId: 'nyah', gender: 'female' },
      speed: 1.2,
      consistency: 0.5,
      similarity: 0,
      enhancement: 1,
      sampleRate: 16000,
    },
    postCallAnalyticsConfig: {
      dispositionMetrics: [],
      successMetrics: [],
      summaryPrompt: '',
      useInternalAnalyticsModel: true,
      useReasoningModel: false,
    },
    callDispositionConfig: '',
    allowInterruptions: true,
    waitForUserToSpeakFirst: false,
    muteUserUntilFirstBotResponse: false,
    interruptionBackoffTimer: 0,
    backgroundSound: '',
    preCallAPI: null,
    smartTurnConfig: { isEnabled: false, waitTimeInSecs: 0 },
    voiceDetectionConfig: { confidence: 0.7, minVolume: 0.6, triggerTimeInSecs: 0.2, releaseTimeInSecs: 0.8 },
    denoisingConfig: { isEnabled: false },
    redactionConfig: { isEnabled: false },
    llmIdleTimeoutConfig: {
      chatTimeoutTimeInSecs: 60,
      webcallTimeoutTimeInSecs: 20,
      telephonyTimeoutTimeInSecs: 20,
      maxRetries: 2,
    },
    sessionTimeoutConfig: { timeoutTimeInSecs: 1800 },
  };
}

/** Groups a config by section; sections with no field set are left out. */
export function sectionsOf(config: AtomsConfig): Partial<Record<AtomsSection, Record<string, unknown>>> {
  const out: Partial<Record<AtomsSection, Record<string, unknown>>> = {};
  const put = (section: AtomsSection, key: string, value: unknown) => {
    if (value === undefined) return;
    out[section] ??= {};
    out[section][key] = value;
  };
  const spc = config.singlePromptConfig;
  if (spc) {
    put('workflow_prompt', 'prompt', spc.prompt);
    put('workflow_tools', 'tools', spc.tools);
  }
  for (const [field, section] of Object.entries(FIELD_SECTIONS)) put(section, field, config[field]);
  return out;
}

/** `GET /versions/{id}` `resolvedConfig`: the merged config keyed by section. */
export function resolvedConfigBySection(config: AtomsConfig): Record<AtomsSection, Record<string, unknown>> {
  const sections = sectionsOf(config);
  return Object.fromEntries(ATOMS_SECTIONS.map((s) => [s, sections[s] ?? {}])) as Record<
    AtomsSection,
    Record<string, unknown>
  >;
}

/** `GET /agent/{id}` `_resolvedConfig`: the flattened keys the docs list. */
export function flattenResolvedConfig(config: AtomsConfig): Record<string, unknown> {
  const language = isPlainObject(config.language) ? config.language : {};
  const single = config.workflowType !== 'workflow_graph';
  const flat: Record<string, unknown> = {
    prompt: config.singlePromptConfig?.prompt,
    tools: config.singlePromptConfig?.tools ?? [],
    postCallAnalyticsConfig: config.postCallAnalyticsConfig,
    callDispositionConfig: config.callDispositionConfig,
    modelName: config.slmModel,
    transcriberType: config.transcriberType,
    defaultLanguage: language.default,
    supportedLanguages: language.supported,
    languageSwitching: language.switching,
    firstMessage: config.firstMessage,
    globalPrompt: config.globalPrompt,
    preCallAPI: config.preCallAPI,
    workflowGraph: single ? undefined : (config.workflowGraph ?? { nodes: [], edges: [] }),
    muteUserUntilFirstBotResponse: config.muteUserUntilFirstBotResponse,
    allowInterruptions: config.allowInterruptions,
    voiceDetectionConfig: config.voiceDetectionConfig,
    smartTurnConfig: config.smartTurnConfig,
    backgroundSound: config.backgroundSound,
    denoisingConfig: config.denoisingConfig,
    redactionConfig: config.redactionConfig,
    llmIdleTimeoutConfig: config.llmIdleTimeoutConfig,
    sessionTimeoutConfig: config.sessionTimeoutConfig,
  };
  // The spec declares none of these nullable: a value the agent does not have is left out.
  return withoutNulls(flat);
}

/** The entries whose value is neither null nor undefined. */
export function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== null && value !== undefined),
  );
}

/** Sections whose content differs between two configs, in canonical order. */
export function changedSections(before: AtomsConfig, after: AtomsConfig): AtomsSection[] {
  const a = sectionsOf(before);
  const b = sectionsOf(after);
  return ATOMS_SECTIONS.filter((s) => !deepEqual(a[s], b[s]));
}

/** `GET /drafts/{draftId}/diff` body. */
export function draftDiff(
  before: AtomsConfig,
  after: AtomsConfig,
): { sections: Record<string, { before: unknown; after: unknown; changed: boolean }>; hasChanges: boolean } {
  const a = sectionsOf(before);
  const b = sectionsOf(after);
  const sections: Record<string, { before: unknown; after: unknown; changed: boolean }> = {};
  let hasChanges = false;
  for (const s of ATOMS_SECTIONS) {
    if (a[s] === undefined && b[s] === undefined) continue;
    const changed = !deepEqual(a[s], b[s]);
    hasChanges ||= changed;
    sections[s] = { before: a[s] ?? null, after: b[s] ?? null, changed };
  }
  return { sections, hasChanges };
}

/** `GET /versions/diff` body (`AgentVersionDiff`). */
export function versionDiff(
  a: AtomsConfig,
  b: AtomsConfig,
): { unchangedSections: AtomsSection[]; diffs: { section: AtomsSection; changes: LeafChange[] }[] } {
  const sa = sectionsOf(a);
  const sb = sectionsOf(b);
  const unchangedSections: AtomsSection[] = [];
  const diffs: { section: AtomsSection; changes: LeafChange[] }[] = [];
  for (const s of ATOMS_SECTIONS) {
    const changes = leafChanges(sa[s] ?? {}, sb[s] ?? {});
    if (changes.length === 0) unchangedSections.push(s);
    else diffs.push({ section: s, changes });
  }
  return { unchangedSections, diffs };
}

// ---------------------------------------------------------------------------------------------
// Validation: a reasonable subset of the backend's rules, each failure naming the field.
