import { EmulatorServer, type VendorProfile } from '../kit/http-kit.js';
import { randomHex } from '../kit/ids.js';
import { Router } from '../kit/router.js';
import type { CommonEmulatorOptions, EmulatorHandle } from '../kit/types.js';
import { systemClock } from '../kit/types.js';
import { type LangdockUpdateAnswer, registerLangdockRoutes } from './langdock-routes.js';
import { type LangdockEmulatorState, LangdockStore } from './langdock-state.js';

/** Options of `startLangdockEmulator`. */
export interface LangdockEmulatorOptions extends CommonEmulatorOptions {
  /** Accepted keys that only have the read scope: writes answer `403 INSUFFICIENT_SCOPES`. */
  readOnlyApiKeys?: string[];
  /** The workspace default model a new agent gets when `model` is omitted. Default `gpt-4o`. */
  defaultModel?: string;
  /**
   * What `PATCH /agent/v1/update` answers, which Langdock does not specify ("Agent updated
   * successfully"): `'agent'` (default) `{status, message, agent}` with `agent` showing the draft,
   * as it is believed to; `'bare'` `{status, message}` only, so clients can be tested under the
   * reading where nothing shows the draft.
   */
  updateAnswer?: LangdockUpdateAnswer;
}

/** Per-key options of `addApiKey` on the Langdock emulator. */
export interface LangdockKeyOptions {
  /** The key has the read scope only (list/get), not `AGENT_API`. */
  readOnly?: boolean;
}

/** A running Langdock emulator. Its `baseUrl` is its origin (paths `/agent/v1/...`). */
export interface LangdockEmulator extends EmulatorHandle<LangdockEmulatorState> {
  addApiKey(key: string, options?: LangdockKeyOptions): void;
}

const langdockProfile: VendorProfile = {
  basePath: '',
  unauthorized: () => ({ status: 401, body: { message: 'Unauthorized' } }),
  // Langdock documents no Retry-After; the emulator sends one so clients can be tested honouring it.
  rateLimited: (retryAfter) => ({
    status: 429,
    headers: { 'Retry-After': String(retryAfter) },
    body: { message: 'Rate limit exceeded' },
  }),
  notFound: () => ({ status: 404, body: { message: 'Not found' } }),
  invalidJson: () => ({ status: 400, body: { message: 'Invalid JSON body' } }),
  internalError: () => ({ status: 500, body: { message: 'Internal server error' } }),
  faultBody: (status) => ({ message: `Emulated fault (HTTP ${status})` }),
};

/**
 * Starts an emulator of the Langdock Agents API on 127.0.0.1: one implicit draft per agent,
 * publish means active, `409` when publishing an unchanged draft, no version endpoints.
 *
 * @example
 * const langdock = await startLangdockEmulator();
 * const res = await fetch(`${langdock.baseUrl}/agent/v1/create`, {
 *   method: 'POST',
 *   headers: { Authorization: `Bearer ${langdock.apiKey}`, 'Content-Type': 'application/json' },
 *   body: JSON.stringify({ name: 'Support bot' }),
 * });
 * await langdock.close();
 */
export async function startLangdockEmulator(
  options: LangdockEmulatorOptions = {},
): Promise<LangdockEmulator> {
  const clock = options.clock ?? systemClock;
  const store = new LangdockStore(clock, options.defaultModel ?? 'gpt-4o');
  const readOnly = new Set(options.readOnlyApiKeys ?? []);
  const router = new Router();
  registerLangdockRoutes(router, store, {
    isReadOnly: (key) => readOnly.has(key),
    updateAnswer: options.updateAnswer ?? 'agent',
  });
  const server = new EmulatorServer({
    ...options,
    apiKeys: [...(options.apiKeys ?? []), ...readOnly],
    clock,
    profile: langdockProfile,
    router,
    defaultApiKey: `sk-ld-emulator-${randomHex(16)}`,
  });
  const url = await server.listen();
  const state: LangdockEmulatorState = store;
  const handle = server.handle(state, url);
  return {
    ...handle,
    // The spread above would freeze the `requests` getter into a one-off copy.
    get requests() {
      return handle.requests;
    },
    addApiKey(key: string, keyOptions?: LangdockKeyOptions) {
      handle.addApiKey(key);
      if (keyOptions?.readOnly) readOnly.add(key);
      else readOnly.delete(key);
    },
    removeApiKey(key: string) {
      handle.removeApiKey(key);
      readOnly.delete(key);
    },
  };
}
