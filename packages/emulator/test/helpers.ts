import type { EmulatorHandle } from '@agent-release/emulator';

/** Decoded JSON of arbitrary shape; tests assert on it field by field. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted, not typed
export type Json = any;

/** A decoded HTTP answer. */
export interface Answer<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  /** API key to send; `null` sends no Authorization header. Default: the emulator's key. */
  key?: string | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Raw body text instead of JSON.stringify(body). */
  raw?: string;
}

/** Real loopback HTTP against an emulator, relative to its baseUrl. */
export function client(emu: Pick<EmulatorHandle<unknown>, 'baseUrl' | 'apiKey'>) {
  return async function call<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    options: CallOptions = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? emu.apiKey : options.key;
    if (key !== null) headers.Authorization = `Bearer ${key}`;
    let payload: string | undefined = options.raw;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['Content-Type'] ??= 'application/json';
    const res = await fetch(`${emu.baseUrl}${path}`, {
      method,
      headers,
      body: payload,
      signal: options.signal,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // leave as text
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  };
}

/** A manually advanced clock. */
export function manualClock(start = Date.UTC(2026, 6, 1)) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
