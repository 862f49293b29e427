/**
 * zod schemas of the tools of a single_prompt agent (`singlePromptConfig.tools`), and the
 * primitives they share with the rest of the draft config schema (`config-schema.ts`). Nested
 * vendor objects keep unknown keys, so server-assigned ids in tools copied from a read survive.
 */
import { z } from 'zod';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
const PARAM_TYPES = ['text', 'number', 'boolean', 'enum'] as const;

export const nonEmpty = z.string().min(1, 'must not be empty');
const keyValue = z.looseObject({ key: nonEmpty, value: z.string() });
export const responseVariable = z.looseObject({ variableName: nonEmpty, jsonPath: nonEmpty });
export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const typedParameterShape = {
  name: nonEmpty,
  description: z.string(),
  type: z.enum(PARAM_TYPES),
  values: z.array(z.string()).optional(),
};
const enumNeedsValues = {
  check: (p: { type: string; values?: string[] | undefined }) =>
    p.type !== 'enum' || (p.values?.length ?? 0) > 0,
  params: { message: 'values is required (at least one) when type is "enum"', path: ['values'] },
};
/** A variable of `variablesExtractionSchema`: `enum` needs `values`. */
const extractionVariable = z
  .looseObject(typedParameterShape)
  .refine(enumNeedsValues.check, enumNeedsValues.params);
/** An `llmParameters` item of an api_call tool: `enum` needs `values`. */
const llmParameter = z
  .looseObject({ ...typedParameterShape, required: z.boolean().optional() })
  .refine(enumNeedsValues.check, enumNeedsValues.params);

const toolBase = {
  name: nonEmpty.regex(/^\S+$/, 'must not contain spaces'),
  description: z.string(),
  enabled: z.boolean().optional(),
};

const handoffOption = z.looseObject({ type: z.enum(['prompt', 'static']), prompt: z.string() }).nullable();

const endCallTool = z.looseObject({ type: z.literal('end_call'), ...toolBase });

const transferCallTool = z.looseObject({
  type: z.literal('transfer_call'),
  ...toolBase,
  transferNumber: z.e164({ error: 'must be an E.164 phone number such as +14155550123' }),
  transferOption: z.looseObject({
    type: z.enum(['cold_transfer', 'warm_transfer']).optional(),
    privateHandoffOption: handoffOption.optional(),
    publicHandoffOption: handoffOption.optional(),
  }),
  onHoldMusic: z.enum(['ringtone', 'relaxing_sound', 'uplifting_beats', 'none']).optional(),
  transferOnlyIfHuman: z.boolean().optional(),
  detectionTimeout: z.int().min(5).max(60).optional(),
});

const apiCallTool = z.looseObject({
  type: z.literal('api_call'),
  ...toolBase,
  url: httpUrl,
  method: z.enum(HTTP_METHODS),
  timeout: z.int().min(1000).max(30000).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  headersArray: z.array(keyValue).optional(),
  queryParams: z.array(keyValue).optional(),
  requestBody: z.string().optional(),
  llmParameters: z.array(llmParameter).optional(),
  responseVariables: z.array(responseVariable).optional(),
});

const extractVariablesTool = z.looseObject({
  type: z.literal('extract_dynamic_variables'),
  ...toolBase,
  variablesExtractionSchema: z.array(extractionVariable).min(1, 'needs at least one variable'),
});

const knowledgeBaseTool = z.looseObject({
  type: z.literal('knowledge_base_search'),
  ...toolBase,
  knowledgeBaseId: nonEmpty,
  fillerPhrases: z.array(z.string()).optional(),
});

/** A tool of a single_prompt agent, by `type`. */
export const atomsToolSchema = z.discriminatedUnion('type', [
  endCallTool,
  transferCallTool,
  apiCallTool,
  extractVariablesTool,
  knowledgeBaseTool,
]);

/**
 * `singlePromptConfig`: prompt AND tools. Atoms replaces the whole object, so a tool left out
 * here is deleted from the agent.
 */
export const atomsSinglePromptConfigSchema = z.looseObject({
  prompt: z.string(),
  tools: z.array(atomsToolSchema).optional(),
});
