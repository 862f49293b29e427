import { EmulatorServer } from '../kit/http-kit.js';
import { randomHex } from '../kit/ids.js';
import { Router } from '../kit/router.js';
import type { CommonEmulatorOptions, EmulatorHandle } from '../kit/types.js';
import { systemClock } from '../kit/types.js';
import { registerAgentRoutes } from './retell-agent-routes.js';
import { registerDeployRoutes } from './retell-deploy-routes.js';
import { retellProfile } from './retell-errors.js';
import { registerLlmRoutes } from './retell-llm-routes.js';
import { PhoneNumberStore } from './retell-phone-numbers.js';
import { type RetellEmulatorState, retellState } from './retell-state.js';
import { RetellStore } from './retell-store.js';

/** Options of `startRetellEmulator` (the common ones: port, keys, latency, rate limit, clock). */
export type RetellEmulatorOptions = CommonEmulatorOptions;

/** A running Retell emulator. Its `baseUrl` is its origin (paths `/get-agent/...`). */
export type RetellEmulator = EmulatorHandle<RetellEmulatorState>;

/**
 * Starts an emulator of the Retell AI API on 127.0.0.1: integer agent versions (several drafts
 * at once, published ones immutable), a versioned Retell LLM per agent, environment tags and
 * phone-number traffic bindings. Point the official client at it with
 * `new Retell({ apiKey: emulator.apiKey, baseURL: emulator.baseUrl })`.
 *
 * @example
 * const retell = await startRetellEmulator();
 * const { agentId } = retell.state.createAgent({ llm: { general_prompt: 'Be kind.' }, publish: true });
 * const res = await fetch(`${retell.baseUrl}/list-agent-versions/${agentId}`, {
 *   headers: { Authorization: `Bearer ${retell.apiKey}` },
 * });
 * await retell.close();
 */
export async function startRetellEmulator(options: RetellEmulatorOptions = {}): Promise<RetellEmulator> {
  const clock = options.clock ?? systemClock;
  const store = new RetellStore(clock);
  const numbers = new PhoneNumberStore(store, clock);
  const router = new Router();
  registerAgentRoutes(router, store, numbers);
  registerLlmRoutes(router, store);
  registerDeployRoutes(router, store, numbers);
  const server = new EmulatorServer({
    ...options,
    clock,
    profile: retellProfile,
    router,
    defaultApiKey: `key_emulator${randomHex(12)}`,
  });
  const url = await server.listen();
  return server.handle(retellState(store, numbers), url);
}
