import type { ConfigSnapshot } from '@agent-release/core';
import type { LangdockAgent } from './langdock-api.js';
import { LANGDOCK_PROVIDER } from './langdock-capabilities.js';
import { langdockProviderOptionsSchema } from './langdock-config-schema.js';
import { NEUTRAL_TO_LANGDOCK } from './langdock-mapping.js';

/** The `providerOptions.langdock` fields a snapshot carries: all of them but the prompt. */
const SNAPSHOT_FIELDS = Object.keys(langdockProviderOptionsSchema.shape).filter(
  (field) => field !== NEUTRAL_TO_LANGDOCK.instructions,
) as (keyof typeof langdockProviderOptionsSchema.shape)[];

/**
 * The live agent of `GET /agent/v1/get` as a {@link ConfigSnapshot}: the prompt as the neutral
 * `instructions`, `model`, and every other field this adapter writes under `providerOptions.langdock`.
 *
 * A snapshot must be releasable as is (core rolls Langdock back by releasing one), so each value
 * is checked against the schema a release would apply; one that would be refused (or that
 * Langdock did not send) is left out and named in `skipped`, never passed on half-valid.
 */
export function toConfigSnapshot(agent: LangdockAgent): { snapshot: ConfigSnapshot; skipped: string[] } {
  const shape = langdockProviderOptionsSchema.shape;
  const skipped: string[] = [];
  const read = (field: keyof typeof shape): { ok: true; value: unknown } | { ok: false } => {
    if (!(field in agent)) return { ok: false };
    const parsed = shape[field].safeParse(agent[field]);
    if (parsed.success && parsed.data !== undefined) return { ok: true, value: parsed.data };
    skipped.push(field);
    return { ok: false };
  };

  const snapshot: { -readonly [K in keyof ConfigSnapshot]: ConfigSnapshot[K] } = {};
  const instruction = read(NEUTRAL_TO_LANGDOCK.instructions);
  if (instruction.ok) snapshot.instructions = instruction.value as string;
  const model = agent[NEUTRAL_TO_LANGDOCK.model];
  if (typeof model === 'string' && model.length > 0) snapshot.model = model;
  else if (NEUTRAL_TO_LANGDOCK.model in agent) skipped.push(NEUTRAL_TO_LANGDOCK.model);

  const langdock: Record<string, unknown> = {};
  for (const field of SNAPSHOT_FIELDS) {
    const value = read(field);
    if (value.ok) langdock[field] = value.value;
  }
  if (Object.keys(langdock).length > 0) snapshot.providerOptions = { [LANGDOCK_PROVIDER]: langdock };
  return { snapshot, skipped };
}
