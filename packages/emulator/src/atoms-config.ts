import { deepEqual, isPlainObject, type LeafChange, leafChanges } from './json-utils.js';

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

const BACKGROUND_SOUNDS = ['', 'office', 'cafe', 'call_center', 'static'];
const LANGUAGES = ['en', 'hi', 'mr', 'gu', 'ta', 'es', 'north_indic', 'bn', 'or'];
const WORKFLOW_TYPES = ['workflow_graph', 'single_prompt'];
const TOOL_TYPES = [
  'end_call',
  'transfer_call',
  'api_call',
  'extract_dynamic_variables',
  'knowledge_base_search',
];
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const PARAM_TYPES = ['text', 'number', 'boolean', 'enum'];
const METRIC_TYPES = ['STRING', 'BOOLEAN', 'INTEGER', 'ENUM', 'DATETIME'];
const SUCCESS_METRIC_TYPES = ['NUMERIC_SCALE', 'PERCENTAGE_SCALE', 'PASS_FAIL', 'DESCRIPTIVE_SCALE'];

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

type Check = (value: unknown, path: string) => string | undefined;

const str =
  (max?: number, min = 0): Check =>
  (v, p) => {
    if (typeof v !== 'string') return `${p} must be a string`;
    if (v.length < min)
      return min === 1 ? `${p} must not be empty` : `${p} must be at least ${min} characters`;
    if (max !== undefined && v.length > max) return `${p} must be at most ${max} characters`;
    return undefined;
  };
const bool: Check = (v, p) => (typeof v === 'boolean' ? undefined : `${p} must be a boolean`);
const num =
  (min: number, max: number, integer = false): Check =>
  (v, p) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return `${p} must be a number`;
    if (integer && !Number.isInteger(v)) return `${p} must be an integer`;
    if (v < min || v > max) return `${p} must be between ${min} and ${max}`;
    return undefined;
  };
const oneOf =
  (values: readonly unknown[]): Check =>
  (v, p) =>
    values.includes(v) ? undefined : `${p} must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;
const nullable =
  (check: Check): Check =>
  (v, p) =>
    v === null ? undefined : check(v, p);
const obj =
  (shape: Record<string, Check> = {}, required: string[] = []): Check =>
  (v, p) => {
    if (!isPlainObject(v)) return `${p} must be an object`;
    for (const key of required) if (v[key] === undefined) return `${p}.${key} is required`;
    for (const [key, check] of Object.entries(shape)) {
      if (v[key] === undefined) continue;
      const error = check(v[key], `${p}.${key}`);
      if (error) return error;
    }
    return undefined;
  };
const arr =
  (item: Check, min = 0): Check =>
  (v, p) => {
    if (!Array.isArray(v)) return `${p} must be an array`;
    if (v.length < min) return `${p} must contain at least ${min} item(s)`;
    for (let i = 0; i < v.length; i++) {
      const error = item(v[i], `${p}[${i}]`);
      if (error) return error;
    }
    return undefined;
  };
const keyValue = obj({ key: str(), value: str() }, ['key', 'value']);
const responseVariable = obj({ variableName: str(), jsonPath: str() }, ['variableName', 'jsonPath']);
const typedParam = (p: string, v: Record<string, unknown>) =>
  v.type === 'enum' && !Array.isArray(v.values) ? `${p}.values is required when type is enum` : undefined;

const checkTool: Check = (v, p) => {
  const base = obj({ type: oneOf(TOOL_TYPES), description: str(), enabled: bool }, [
    'type',
    'name',
    'description',
  ])(v, p);
  if (base) return base;
  const tool = v as Record<string, unknown>;
  if (typeof tool.name !== 'string' || tool.name.length === 0) return `${p}.name must be a non-empty string`;
  if (/\s/.test(tool.name)) return `${p}.name must not contain spaces`;
  switch (tool.type) {
    case 'transfer_call':
      return obj(
        {
          transferNumber: (n, np) =>
            typeof n === 'string' && /^\+[1-9]\d{1,14}$/.test(n)
              ? undefined
              : `${np} must be an E.164 number`,
          transferOption: obj({ type: oneOf(['cold_transfer', 'warm_transfer']) }),
          onHoldMusic: oneOf(['ringtone', 'relaxing_sound', 'uplifting_beats', 'none']),
          transferOnlyIfHuman: bool,
          detectionTimeout: num(5, 60, true),
        },
        ['transferNumber', 'transferOption'],
      )(v, p);
    case 'api_call':
      return obj(
        {
          url: (u, up) =>
            typeof u === 'string' && URL.canParse(u) ? undefined : `${up} must be a valid URL`,
          method: oneOf(HTTP_METHODS),
          timeout: num(1000, 30000, true),
          headersArray: arr(keyValue),
          queryParams: arr(keyValue),
          requestBody: str(),
          llmParameters: arr((item, ip) => {
            const e = obj({ name: str(), description: str(), type: oneOf(PARAM_TYPES), required: bool }, [
              'name',
              'description',
              'type',
            ])(item, ip);
            return e ?? typedParam(ip, item as Record<string, unknown>);
          }),
          responseVariables: arr(responseVariable),
        },
        ['url', 'method'],
      )(v, p);
    case 'extract_dynamic_variables':
      return obj(
        {
          variablesExtractionSchema: arr((item, ip) => {
            const e = obj({ name: str(), description: str(), type: oneOf(PARAM_TYPES) }, [
              'name',
              'description',
              'type',
            ])(item, ip);
            return e ?? typedParam(ip, item as Record<string, unknown>);
          }, 1),
        },
        ['variablesExtractionSchema'],
      )(v, p);
    case 'knowledge_base_search':
      return obj({ knowledgeBaseId: str(undefined, 1), fillerPhrases: arr(str()) }, ['knowledgeBaseId'])(
        v,
        p,
      );
    default:
      return undefined;
  }
};

const dispositionMetric: Check = (v, p) => {
  const e = obj(
    {
      identifier: (id, ip) =>
        typeof id === 'string' && /^[a-z0-9_]+$/.test(id) ? undefined : `${ip} must match ^[a-z0-9_]+$`,
      dispositionMetricPrompt: str(),
      dispositionMetricType: oneOf(METRIC_TYPES),
      choices: arr(str()),
    },
    ['identifier', 'dispositionMetricPrompt', 'dispositionMetricType'],
  )(v, p);
  if (e) return e;
  const metric = v as Record<string, unknown>;
  return metric.dispositionMetricType === 'ENUM' && !Array.isArray(metric.choices)
    ? `${p}.choices is required when dispositionMetricType is ENUM`
    : undefined;
};

const switching = obj({
  isEnabled: bool,
  minWordsForDetection: num(1, 10, true),
  strongSignalThreshold: num(0.1, 0.9),
  weakSignalThreshold: num(0.1, 0.9),
  minConsecutiveForWeakThresholdSwitch: num(1, 5, true),
});

const FIELD_CHECKS: Record<string, Check> = {
  singlePromptConfig: obj({ prompt: str(), tools: arr(checkTool) }, ['prompt']),
  postCallAnalyticsConfig: obj({
    dispositionMetrics: arr(dispositionMetric),
    successMetrics: arr(
      obj({ identifier: str(), successMetricPrompt: str(), successMetricType: oneOf(SUCCESS_METRIC_TYPES) }, [
        'identifier',
        'successMetricPrompt',
        'successMetricType',
      ]),
    ),
    summaryPrompt: str(),
    useInternalAnalyticsModel: bool,
    useReasoningModel: bool,
  }),
  synthesizer: obj({
    voiceConfig: obj({
      model: oneOf(['waves_lightning_v3_1', 'gpt-realtime', 'gpt-realtime-mini']),
      voiceId: str(),
      gender: oneOf(['male', 'female']),
    }),
    speed: num(0, 2),
    consistency: num(0, 1),
    similarity: num(0, 1),
    enhancement: oneOf([0, 1, 2]),
    sampleRate: oneOf([8000, 16000, 24000, 44100]),
  }),
  slmModel: oneOf(SLM_MODELS),
  transcriberType: str(),
  customLLMWebSocketUrl: str(),
  widgetConfig: nullable(obj()),
  defaultVariables: nullable(obj()),
  preCallAPI: nullable(
    obj(
      {
        url: str(undefined, 1),
        method: oneOf(HTTP_METHODS),
        isEnabled: bool,
        headers: obj(),
        body: obj(),
        queryParams: obj(),
        timeout: num(1, 30, true),
        responseVariables: arr(responseVariable),
      },
      ['url', 'method'],
    ),
  ),
  globalPrompt: str(4000),
  globalKnowledgeBaseId: nullable(str()),
  firstMessage: str(),
  allowInterruptions: bool,
  waitForUserToSpeakFirst: bool,
  muteUserUntilFirstBotResponse: bool,
  enableStyleGuide: bool,
  speechFormatting: bool,
  interruptionBackoffTimer: num(0, 10),
  backgroundSound: oneOf(BACKGROUND_SOUNDS),
  smartTurnConfig: obj({ isEnabled: bool, waitTimeInSecs: num(0, 10) }),
  voiceDetectionConfig: obj({
    confidence: num(0, 1),
    minVolume: num(0, 1),
    triggerTimeInSecs: num(0, 10),
    releaseTimeInSecs: num(0, 10),
  }),
  voiceMailDetectionConfig: obj({ enabled: bool, endText: str(200) }),
  denoisingConfig: obj({ isEnabled: bool }),
  redactionConfig: obj({ isEnabled: bool }),
  llmIdleTimeoutConfig: obj({
    chatTimeoutTimeInSecs: num(1, 300),
    webcallTimeoutTimeInSecs: num(1, 300),
    telephonyTimeoutTimeInSecs: num(1, 300),
    maxRetries: num(0, 100, true),
  }),
  sessionTimeoutConfig: obj({ timeoutTimeInSecs: num(1, 3600) }),
  timezone: obj({ label: str(), offset: num(-720, 840) }),
  pronunciationDicts: arr(obj({ word: str(), pronunciation: str() }, ['word', 'pronunciation'])),
  workflowType: oneOf(WORKFLOW_TYPES),
  callDispositionConfig: str(),
};

/** The documented create-time message when `language` lacks `switching`. */
export const LANGUAGE_SWITCHING_REQUIRED = 'Invalid Input: Required';

function checkLanguage(value: unknown, transcriberType: unknown): string | undefined {
  if (!isPlainObject(value)) return 'Invalid input: language must be an object';
  if (value.switching === undefined) return LANGUAGE_SWITCHING_REQUIRED;
  const shape = obj({ default: oneOf(LANGUAGES), supported: arr(oneOf(LANGUAGES)), switching })(
    value,
    'language',
  );
  if (shape) return `Invalid input: ${shape}`;
  const supported = Array.isArray(value.supported) ? (value.supported as string[]) : undefined;
  const all = [...(supported ?? []), ...(typeof value.default === 'string' ? [value.default] : [])];
  if (supported && typeof value.default === 'string' && !supported.includes(value.default)) {
    return 'Invalid input: language.default must be one of language.supported';
  }
  if (all.includes('ta') && new Set(all).size > 1) {
    return 'Invalid input: language "ta" cannot be combined with other languages';
  }
  if (all.includes('north_indic') && transcriberType !== 'pulse') {
    return 'Invalid input: language "north_indic" requires transcriberType "pulse"';
  }
  return undefined;
}

/**
 * Validates the recognised config fields of a create or draft-config body against the config
 * they would be merged into. Returns the vendor-style error message, or `undefined` when valid.
 */
export function validateConfigFields(
  body: Record<string, unknown>,
  current: AtomsConfig,
  mode: 'create' | 'draft',
): string | undefined {
  for (const field of CONFIG_FIELDS) {
    const value = body[field];
    if (value === undefined) continue;
    if (field === 'language') {
      const error = checkLanguage(value, body.transcriberType ?? current.transcriberType);
      if (error) return error;
      continue;
    }
    const error = FIELD_CHECKS[field]?.(value, field);
    if (error) return `Invalid input: ${error}`;
  }
  if (mode === 'create' && typeof body.firstMessage === 'string' && body.firstMessage.length > 500) {
    return 'Invalid input: firstMessage must be at most 500 characters';
  }
  const model = body.slmModel ?? current.slmModel;
  const workflowType = body.workflowType ?? current.workflowType;
  if (typeof model === 'string' && model.startsWith('gpt-realtime') && workflowType !== 'single_prompt') {
    return `Invalid input: slmModel "${model}" requires workflowType "single_prompt"`;
  }
  return undefined;
}
