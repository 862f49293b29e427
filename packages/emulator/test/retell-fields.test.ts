import { describe, expect, it } from 'vitest';
import {
  AGENT_UPDATE_FIELDS,
  LLM_UPDATE_FIELDS,
  PHONE_NUMBER_UPDATE_FIELDS,
} from '../src/retell/retell-fields.js';
import { declaredFields } from './retell-sdk-types.js';

// The emulator refuses undeclared body fields, so its lists must be exactly the SDK's request
// types: a field Retell added (or dropped) in a newer SDK shows up here first.
function bodyFields(file: string, name: string): string[] {
  const { required, optional } = declaredFields(file, name);
  return [...required, ...optional].filter((f) => f !== 'version').sort();
}

describe('Retell update fields match retell-sdk 5.66.1', () => {
  it.each([
    ['agent', 'AgentUpdateParams', AGENT_UPDATE_FIELDS],
    ['llm', 'LlmUpdateParams', LLM_UPDATE_FIELDS],
    ['phone-number', 'PhoneNumberUpdateParams', PHONE_NUMBER_UPDATE_FIELDS],
  ])('%s %s', (file, name, fields) => {
    expect([...fields].sort()).toEqual(bodyFields(file, name));
  });
});
