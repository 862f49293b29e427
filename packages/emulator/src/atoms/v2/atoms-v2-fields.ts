import { type AtomsConfig, CONFIG_FIELDS } from '../atoms-config.js';
import { validateConfigFields } from '../atoms-config-checks.js';

/**
 * `UpdateBranchDraftRequest` fields the spec types differently from the v1 field of the same
 * name (v1: timezone an object, callDispositionConfig a string, speechFormatting a boolean,
 * pronunciationDicts an array; globalPrompt capped at 4,000 characters).
 */
const V2_TYPES: Record<string, 'string' | 'object'> = {
  globalPrompt: 'string',
  timezone: 'string',
  callDispositionConfig: 'object',
  speechFormatting: 'object',
  pronunciationDicts: 'object',
};

function hasType(value: unknown, type: 'string' | 'object'): boolean {
  if (type === 'string') return typeof value === 'string';
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The 400 message for the merged values of a `PUT .../draft`, or undefined: the spec's v2 types
 * where they differ from v1, the v1 field rules for the other recognised fields, and nothing for
 * fields the spec does not type (passed through).
 */
export function validateV2DraftFields(
  after: AtomsConfig,
  fields: readonly string[],
  current: AtomsConfig,
): string | undefined {
  const checkedAsV1: Record<string, unknown> = {};
  for (const field of fields) {
    const type = V2_TYPES[field];
    if (type) {
      if (!hasType(after[field], type)) {
        return `Invalid input: ${field} must be ${type === 'object' ? 'an object' : 'a string'}`;
      }
    } else if (CONFIG_FIELDS.includes(field)) {
      checkedAsV1[field] = after[field];
    }
  }
  return validateConfigFields(checkedAsV1, current, 'draft');
}
