/**
 * Shared helpers of the bench suites: a capturing logger and every textual form an error or a
 * log line can take, so the leak suite can search them all for a secret.
 */
import { inspect } from 'node:util';
import type { Logger } from '@agent-release/core';

/** One captured logger call. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A Logger that records every call. */
export function captureLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (message: string, fields?: Record<string, unknown>): void => {
      entries.push({ level, message, fields });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * Every string reachable from `value` through own properties, enumerable or not, string- or
 * symbol-keyed, at any depth (cycles visited once). Catches what a custom `toJSON`/`inspect`
 * would hide, e.g. a non-enumerable `config` holding request headers.
 */
export function reachableStrings(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  const out: string[] = [];
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === 'string') out.push(key);
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && 'value' in descriptor) out.push(...reachableStrings(descriptor.value, seen));
  }
  return out;
}

/** Every rendering of an error a user might log, serialise or print. */
export function errorRenderings(error: unknown): string[] {
  const e = error as Error & { cause?: unknown };
  return [
    String(e),
    e?.message ?? '',
    e?.stack ?? '',
    JSON.stringify(e) ?? '',
    inspect(e, { depth: 20, showHidden: true }),
    inspect(e?.cause, { depth: 20, showHidden: true }),
    JSON.stringify(e?.cause) ?? '',
    ...reachableStrings(e),
  ];
}

/** Every rendering of the captured log lines. */
export function logRenderings(entries: readonly LogEntry[]): string[] {
  return entries.flatMap((entry) => [
    entry.message,
    JSON.stringify(entry) ?? '',
    inspect(entry.fields, { depth: 20, showHidden: true }),
    ...reachableStrings(entry.fields),
  ]);
}

/** The renderings that contain `secret` (empty when nothing leaked). */
export function leaksOf(texts: readonly string[], secret: string): string[] {
  return texts.filter((text) => text.includes(secret)).map((text) => text.slice(0, 300));
}

/** Awaits a promise that must reject and returns its reason. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the call succeeded');
}
