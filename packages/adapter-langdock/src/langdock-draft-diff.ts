/**
 * Pure comparisons behind "a release ships only the edits it made" on Langdock's one shared
 * draft. Langdock has no draft read and no "has unpublished changes" flag: the live agent comes
 * from `GET /agent/v1/get`, the draft only from the answer of `PATCH /agent/v1/update`.
 */

/** The agent configuration fields this adapter writes and compares (Agents API prose names). */
export const LANGDOCK_CONFIG_FIELDS = Object.freeze([
  'name',
  'description',
  'emoji',
  'instruction',
  'inputType',
  'model',
  'creativity',
  'conversationStarters',
  'actions',
  'inputFields',
  'attachments',
  'webSearch',
  'imageGeneration',
  'dataAnalyst',
  'canvas',
  'extendedThinking',
] as const);

type Agent = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether `actual` already holds what writing `wanted` would store. Objects compare on the keys
 * `wanted` gives, so a key the vendor adds with its default does not count as a difference.
 */
function covers(actual: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => covers(actual[i], w))
    );
  }
  if (isObject(wanted)) {
    return isObject(actual) && Object.entries(wanted).every(([key, w]) => covers(actual[key], w));
  }
  return Object.is(actual, wanted);
}

/** Strict deep equality of two vendor values. */
function same(a: unknown, b: unknown): boolean {
  return covers(a, b) && covers(b, a);
}

/** An action sent without `requiresConfirmation` is stored with Langdock's default, `true`. */
function asStored(field: string, value: unknown): unknown {
  if (field !== 'actions' || !Array.isArray(value)) return value;
  return value.map((a) =>
    isObject(a) && a.requiresConfirmation === undefined ? { ...a, requiresConfirmation: true } : a,
  );
}

/** The fields of `fields` whose value in `agent` differs from the one that would be written. */
export function fieldsThatDiffer(agent: Agent, fields: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(fields).filter(
    (field) => !(field in agent) || !covers(agent[field], asStored(field, fields[field])),
  );
}

/**
 * The configuration fields, other than those this release wrote, in which the draft differs from
 * the live agent: edits someone else left unpublished. A field either side does not show cannot
 * be compared and is left out.
 */
export function foreignDraftFields(live: Agent, draft: Agent, written: readonly string[]): string[] {
  return LANGDOCK_CONFIG_FIELDS.filter(
    (field) =>
      !written.includes(field) && field in live && field in draft && !same(live[field], draft[field]),
  );
}

/**
 * The draft shown by an update answer, or `undefined` when the answer does not show it: no
 * `agent` object, or one that does not hold what was just written (e.g. the live agent).
 */
export function draftFromUpdateAnswer(
  answer: unknown,
  written: Readonly<Record<string, unknown>>,
): Agent | undefined {
  const agent = isObject(answer) ? answer.agent : undefined;
  if (!isObject(agent)) return undefined;
  return fieldsThatDiffer(agent, written).length === 0 ? agent : undefined;
}

/**
 * The `PATCH /agent/v1/update` fields that put back the live values of `written`, and the
 * written fields the live agent does not show (which cannot be put back).
 */
export function restoreFields(
  live: Agent,
  written: readonly string[],
): { fields: Record<string, unknown>; missing: string[] } {
  const fields: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const field of written) {
    if (field in live) fields[field] = live[field];
    else missing.push(field);
  }
  return { fields, missing };
}
