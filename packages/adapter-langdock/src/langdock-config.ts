import type { ConfigSnapshot } from '@agent-release/core';
import type { LangdockAgent } from './langdock-api.js';
import { LANGDOCK_PROVIDER } from './langdock-capabilities.js';
import { langdockProviderOptionsSchema } from './langdock-config-schema.js';
import { NEUTRAL_TO_LANGDOCK } from './langdock-mapping.js';

type Shape = typeof langdockProviderOptionsSchema.shape;

/** The `providerOptions.langdock` fields a snapshot carries: all of them but the prompt. */
const SNAPSHOT_FIELDS = Object.keys(langdockProviderOptionsSchema.shape).filter(
  (field) => field !== NEUTRAL_TO_LANGDOCK.instructions,
) as (keyof Shape)[];

/**
 * The live agent's values of every field this adapter writes, by Langdock name, each checked
 * against the schema a release would apply. A value that would be refused (or that Langdock did
 * not send) is left out and, when it was sent, named in `skipped`: what comes out can be written
 * back with `PATCH /agent/v1/update` as is.
 */
export function liveConfigFields(agent: LangdockAgent): {
  fields: Record<string, unknown>;
  skipped: string[];
} {
  const shape = langdockProviderOptionsSchema.shape;
  const fields: Record<string, unknown> = {};
  const skipped: string[] = [];
  const model = agent[NEUTRAL_TO_LANGDOCK.model];
  if (typeof model === 'string' && model.length > 0) fields[NEUTRAL_TO_LANGDOCK.model] = model;
  else if (NEUTRAL_TO_LANGDOCK.model in agent) skipped.push(NEUTRAL_TO_LANGDOCK.model);
  for (const field of Object.keys(shape) as (keyof Shape)[]) {
    if (!(field in agent)) continue;
    const parsed = shape[field].safeParse(agent[field]);
    if (parsed.success && parsed.data !== undefined) fields[field] = parsed.data;
    else skipped.push(field);
  }
  return { fields, skipped };
}

/**
 * The live agent of `GET /agent/v1/get` as a {@link ConfigSnapshot}: the prompt as the neutral
 * `instructions`, `model`, and every other field this adapter writes under `providerOptions.langdock`.
 *
 * A snapshot must be releasable as is (core rolls Langdock back by releasing one), so each value
 * is checked against the schema a release would apply; one that would be refused (or that
 * Langdock did not send) is left out and named in `skipped`, never passed on half-valid.
 */
export function toConfigSnapshot(agent: LangdockAgent): { snapshot: ConfigSnapshot; skipped: string[] } {
  const { fields, skipped } = liveConfigFields(agent);
  const snapshot: { -readonly [K in keyof ConfigSnapshot]: ConfigSnapshot[K] } = {};
  const instruction = fields[NEUTRAL_TO_LANGDOCK.instructions];
  if (instruction !== undefined) snapshot.instructions = instruction as string;
  const model = fields[NEUTRAL_TO_LANGDOCK.model];
  if (model !== undefined) snapshot.model = model as string;

  const langdock: Record<string, unknown> = {};
  for (const field of SNAPSHOT_FIELDS) if (fields[field] !== undefined) langdock[field] = fields[field];
  if (Object.keys(langdock).length > 0) snapshot.providerOptions = { [LANGDOCK_PROVIDER]: langdock };
  return { snapshot, skipped };
}
