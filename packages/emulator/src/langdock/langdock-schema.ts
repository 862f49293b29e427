import { isUuid } from '../kit/ids.js';
import { cloneJson, isPlainObject } from '../kit/json-utils.js';

/** An agent's editable configuration (the draft, or a frozen published version). */
export interface LangdockAgentConfig {
  name: string;
  description: string;
  emoji: string | null;
  instruction: string;
  inputType: 'PROMPT' | 'STRUCTURED';
  model: string;
  creativity: number;
  conversationStarters: string[];
  actions: { actionId: string; requiresConfirmation: boolean }[];
  inputFields: unknown[];
  attachments: string[];
  webSearch: boolean;
  imageGeneration: boolean;
  dataAnalyst: boolean;
  canvas: boolean;
  extendedThinking: boolean;
}

type Check = (value: unknown) => string | undefined;

const text =
  (min: number, max: number): Check =>
  (v) => {
    if (typeof v !== 'string') return 'must be a string';
    if (v.length < min || v.length > max)
      return min > 0 ? `must be ${min}-${max} characters` : `must be at most ${max} characters`;
    return undefined;
  };
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean');

// The prose Agents API pages, which the reference digest says to follow over the older OpenAPI.
const FIELD_CHECKS: Record<keyof LangdockAgentConfig, Check> = {
  name: text(1, 80),
  description: text(0, 500),
  emoji: (v) => (v === null ? undefined : text(0, 16)(v)),
  instruction: text(0, 40000),
  inputType: (v) => (v === 'PROMPT' || v === 'STRUCTURED' ? undefined : 'must be PROMPT or STRUCTURED'),
  model: text(1, 200),
  creativity: (v) =>
    typeof v === 'number' && v >= 0 && v <= 1 ? undefined : 'must be a number between 0 and 1',
  conversationStarters: (v) => {
    if (!Array.isArray(v)) return 'must be an array';
    if (v.length > 20) return 'must contain at most 20 items';
    return v.every((s) => typeof s === 'string' && s.length >= 1 && s.length <= 255)
      ? undefined
      : 'items must be strings of 1-255 characters';
  },
  actions: (v) => {
    if (!Array.isArray(v)) return 'must be an array';
    for (const a of v) {
      if (!isPlainObject(a) || typeof a.actionId !== 'string' || a.actionId === '') {
        return 'items must be objects with an actionId';
      }
      if (a.requiresConfirmation !== undefined && typeof a.requiresConfirmation !== 'boolean') {
        return 'requiresConfirmation must be a boolean';
      }
    }
    return undefined;
  },
  inputFields: (v) => (Array.isArray(v) ? undefined : 'must be an array'),
  attachments: (v) => (Array.isArray(v) && v.every(isUuid) ? undefined : 'must be an array of UUIDs'),
  webSearch: bool,
  imageGeneration: bool,
  dataAnalyst: bool,
  canvas: bool,
  extendedThinking: bool,
};

/** Fields accepted on create (`extendedThinking` is update-only). */
export const CREATE_FIELDS = (Object.keys(FIELD_CHECKS) as (keyof LangdockAgentConfig)[]).filter(
  (f) => f !== 'extendedThinking',
);
/** Fields accepted on update. */
export const UPDATE_FIELDS = Object.keys(FIELD_CHECKS) as (keyof LangdockAgentConfig)[];

/** Server defaults of a new agent. */
export function defaultAgentConfig(name: string, model: string): LangdockAgentConfig {
  return {
    name,
    description: '',
    emoji: null,
    instruction: '',
    inputType: 'PROMPT',
    model,
    creativity: 0.3,
    conversationStarters: [],
    actions: [],
    inputFields: [],
    attachments: [],
    webSearch: false,
    imageGeneration: false,
    dataAnalyst: false,
    canvas: false,
    extendedThinking: false,
  };
}

/** The first invalid field as a message, or undefined. */
export function validateAgentFields(
  body: Record<string, unknown>,
  fields: readonly (keyof LangdockAgentConfig)[],
): string | undefined {
  for (const field of fields) {
    if (body[field] === undefined) continue;
    const error = FIELD_CHECKS[field](body[field]);
    if (error) return `${field} ${error}`;
  }
  return undefined;
}

/** Applies validated fields; arrays replace the stored value (`[]` clears). */
export function applyAgentFields(
  config: LangdockAgentConfig,
  body: Record<string, unknown>,
  fields: readonly (keyof LangdockAgentConfig)[],
): LangdockAgentConfig {
  const next = cloneJson(config) as unknown as Record<string, unknown>;
  for (const field of fields) {
    if (body[field] === undefined) continue;
    next[field] =
      field === 'actions'
        ? (body.actions as { actionId: string; requiresConfirmation?: boolean }[]).map((a) => ({
            actionId: a.actionId,
            requiresConfirmation: a.requiresConfirmation ?? true,
          }))
        : cloneJson(body[field]);
  }
  return next as unknown as LangdockAgentConfig;
}
