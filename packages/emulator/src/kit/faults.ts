/**
 * What a scripted fault does to the request it matches:
 * - `status`: answer with `status`/`body`/`headers` without applying the request;
 * - `drop-before`: destroy the socket without applying the request;
 * - `drop-after`: apply the request, then destroy the socket without answering (the response
 *   is lost although the write happened);
 * - `delay`: apply the request, then hold the response for `delayMs` (slower than a client's
 *   deadline).
 */
export type FaultKind = 'status' | 'drop-before' | 'drop-after' | 'delay';

/** A fault to inject into the next matching request(s). */
export interface FaultSpec {
  /** HTTP method to match (case-insensitive). Any method when omitted. */
  method?: string;
  /**
   * Path relative to the emulator's `baseUrl`, without query string: a string must equal it, a
   * RegExp is tested against it (e.g. `/\/drafts\/[^/]+\/publish$/`).
   */
  path: string | RegExp;
  /** How many matching requests this fault hits. Default 1. */
  times?: number;
  kind: FaultKind;
  /** For `status`. Default 503. */
  status?: number;
  /**
   * For `status`: an object is sent as JSON, a string as-is, `null` as an empty body. When
   * omitted the vendor's usual error envelope is sent.
   */
  body?: unknown;
  /** For `status`: extra response headers (e.g. `Retry-After`). */
  headers?: Record<string, string>;
  /** For `delay`. Default 1000. */
  delayMs?: number;
}

/** A fault picked for one request. */
export interface ArmedFault {
  kind: FaultKind;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  delayMs: number;
}

interface Entry {
  spec: FaultSpec;
  remaining: number;
}

/** Scripted faults, consumed in order of addition; each fires `times` times and is then gone. */
export class FaultInjector {
  private entries: Entry[] = [];

  /** Arms a fault. Returns `this` so several can be chained. */
  add(spec: FaultSpec): this {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError('fault.times must be a positive integer');
    this.entries.push({ spec: { ...spec }, remaining: times });
    return this;
  }

  /** Disarms every fault. */
  clear(): void {
    this.entries = [];
  }

  /** How many injections are still armed (the sum of the remaining `times`). */
  pending(): number {
    return this.entries.reduce((sum, e) => sum + e.remaining, 0);
  }

  /** Consumes and returns the first armed fault matching this request, if any. */
  take(method: string, path: string): ArmedFault | undefined {
    const index = this.entries.findIndex((e) => matches(e.spec, method, path));
    if (index < 0) return undefined;
    const entry = this.entries[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.entries.splice(index, 1);
    const { spec } = entry;
    return {
      kind: spec.kind,
      status: spec.status ?? 503,
      body: spec.body,
      headers: { ...spec.headers },
      delayMs: spec.delayMs ?? 1000,
    };
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  if (typeof spec.path === 'string') return spec.path === path;
  spec.path.lastIndex = 0; // a /g or /y RegExp keeps state between test() calls
  return spec.path.test(path);
}
