import type { FaultInjector } from './faults.js';

/**
 * Source of "now" for everything time-based in an emulator (security checks, rate-limit refill,
 * timestamps). Structurally compatible with `@agent-release/core`'s `Clock`, so a manual test
 * clock can be passed straight in.
 */
export interface EmulatorClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: EmulatorClock = { now: () => Date.now() };

/** Token-bucket rate limit, applied separately to every API key. */
export interface RateLimitOptions {
  /** Sustained rate: tokens added per second. */
  requestsPerSecond: number;
  /** Bucket size: how many requests may arrive at once. Defaults to `max(1, requestsPerSecond)`. */
  burst?: number;
}

/** Options shared by both emulators. */
export interface CommonEmulatorOptions {
  /** TCP port on 127.0.0.1. Default 0 (the OS picks a free one). */
  port?: number;
  /** The primary accepted API key. Default: a random vendor-looking key. */
  apiKey?: string;
  /** Further accepted API keys (e.g. one per tenant). More can be added later with `addApiKey`. */
  apiKeys?: string[];
  /** Milliseconds added before every response is written. Default 0. */
  latencyMs?: number;
  /** Per-key token-bucket rate limit. Default: unlimited. */
  rateLimit?: RateLimitOptions;
  /** Injectable clock for security checks, rate-limit refill and timestamps. Default: wall clock. */
  clock?: EmulatorClock;
}

/** One request as the emulator saw it. Never holds the `Authorization` header or the key. */
export interface RequestLogEntry {
  method: string;
  /** Path relative to the emulator's `baseUrl`, without the query string. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body; the raw text when it was not valid JSON; `undefined` when empty. */
  body: unknown;
  /** Status written to the client, or `'dropped'` when the connection was destroyed instead. */
  status: number | 'dropped';
  /** Arrival time per the emulator's clock (ms since the epoch). */
  at: number;
}

/** What `startAtomsEmulator` / `startLangdockEmulator` resolve to. */
export interface EmulatorHandle<State> {
  /** Origin, e.g. `http://127.0.0.1:43123`. */
  readonly url: string;
  /** What a client uses as its base URL (Atoms: `${url}/atoms/v1`; Langdock: `${url}`). */
  readonly baseUrl: string;
  /** The primary accepted API key. */
  readonly apiKey: string;
  /** Inspection and seeding helpers; every getter returns a copy. */
  readonly state: State;
  /** Completed requests in arrival order (a fresh copy on every read). */
  readonly requests: readonly RequestLogEntry[];
  /** Scripted faults, consumed in order of addition. */
  readonly faults: FaultInjector;
  /** Accepts one more API key from now on (many-tenant setups give each tenant its own). */
  addApiKey(key: string): void;
  /** Stops accepting a key (credential rotation). */
  removeApiKey(key: string): void;
  /** Empties the request log. */
  clearRequests(): void;
  /** Closes the server and every open socket, and cancels pending timers. */
  close(): Promise<void>;
}
