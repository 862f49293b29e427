import { isPlainObject } from '../kit/json-utils.js';
import { type AtomsConfig, CONFIG_FIELDS, SLM_MODELS } from './atoms-config.js';

// Field rules of the v1 create and draft-config bodies (the shapes of `CreateAgentRequest`).
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
