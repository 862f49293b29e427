import { STATUS_CODES } from 'node:http';
import { EmulatorServer, type VendorProfile } from '../kit/http-kit.js';
import { randomHex } from '../kit/ids.js';
import { Router } from '../kit/router.js';
import type { CommonEmulatorOptions, EmulatorHandle } from '../kit/types.js';
import { systemClock } from '../kit/types.js';
import { registerAtomsAgentRoutes } from './atoms-agent-routes.js';
import { fail } from './atoms-responses.js';
import type { AtomsSecurityCheckOptions } from './atoms-security-check.js';
import { type AtomsEmulatorState, AtomsStore } from './atoms-state.js';
import { registerAtomsV1Routes } from './v1/atoms-v1-routes.js';
import { registerAtomsV2Routes } from './v2/atoms-v2-routes.js';
import type { AtomsVersioning } from './v2/atoms-v2-state.js';

/** Options of `startAtomsEmulator`. */
export interface AtomsEmulatorOptions extends CommonEmulatorOptions {
  /** The post-publish security check: duration, outcome, refusal status, exposure. */
  securityCheck?: AtomsSecurityCheckOptions;
  /**
   * Behave like a server switched to the v2 branch model: v1 writes and list reads answer
   * `409 versioning_v2_migration_required` with `Deprecation: true`. Default false. Same as
   * `versioning: 'v2'`.
   */
  migrationRequired?: boolean;
  /**
   * The versioning model. `'v1'` (default): drafts and versions; the v2 routes find no branches
   * until an agent is migrated (`state.migrateToV2(agentId)`). `'v2'`: the branch model; every
   * agent has a live `Main` branch and the v1 writes answer 409 (as with `migrationRequired`).
   */
  versioning?: AtomsVersioning;
  /**
   * Start inside a config-freeze maintenance window: the v2 writes the spec declares 423 on
   * answer `423 config_freeze_active`. Toggle with `state.setConfigFreeze(on)`. Default false.
   */
  configFreeze?: boolean;
  /** Let `POST /agent` use gated models (`gpt-5.2`, `electron-kogta*`) instead of a 403. */
  allowGatedModels?: boolean;
  /**
   * Which id v2 `Branch.openDraftId` holds; the spec does not say. `'draftId'` (default): the
   * open draft's `draftId`. `'_id'`: the `_id` of the draft's current row (it changes with
   * every write).
   */
  openDraftId?: 'draftId' | '_id';
  /**
   * The 409 for a stale `expectedRevision` on v2 `PUT .../draft`. `'rich'` (default): the
   * spec's `DraftConflictError`, `errors` plus `data.conflict {expectedRevision, latestRevision,
   * diffs}` (the vendor's dev environment). `'lean'`: production's form, only `errors` with the
   * `"<section>.<field>"` paths.
   */
  draftConflict?: 'rich' | 'lean';
}

/** A running Atoms emulator. Its `baseUrl` is `${url}/atoms/v1`. */
export type AtomsEmulator = EmulatorHandle<AtomsEmulatorState>;

/** The path prefix of the Atoms API (`https://api.smallest.ai/atoms/v1`). */
export const ATOMS_BASE_PATH = '/atoms/v1';

const atomsProfile: VendorProfile = {
  basePath: ATOMS_BASE_PATH,
  unauthorized: () => fail(401, 'Unauthorized: User not found'),
  // The documented 429 body is not the usual `errors` envelope; `retry_after` is in seconds.
  rateLimited: (retryAfter) => ({
    status: 429,
    headers: { 'Retry-After': String(retryAfter) },
    body: {
      status: false,
      error: 'Rate limit exceeded',
      code: 'RATE_LIMIT_EXCEEDED',
      retry_after: retryAfter,
    },
  }),
  notFound: () => fail(404, 'Resource not found'),
  invalidJson: () => fail(400, 'Invalid input'),
  internalError: () => fail(500, 'Internal server error'),
  faultBody: (status) => ({ status: false, errors: [STATUS_CODES[status] ?? 'Error'] }),
};

/**
 * Starts an emulator of the Smallest AI Atoms v1 versioning API on 127.0.0.1, quirks included:
 * publish ignores `activate:true`, activation is refused until the security check passed, an
 * unknown agent on `GET /agent/{id}` is a 400, an empty fork body is a 400, and so on. It also
 * speaks the v2 branch model (branches, drafts, scanning publishes, live branch, restore) for
 * agents on it: all of them with `versioning: 'v2'`, or those migrated with `state.migrateToV2`.
 *
 * @example
 * const atoms = await startAtomsEmulator({ securityCheck: { durationMs: 200 } });
 * const res = await fetch(`${atoms.baseUrl}/agent`, {
 *   method: 'POST',
 *   headers: { Authorization: `Bearer ${atoms.apiKey}`, 'Content-Type': 'application/json' },
 *   body: JSON.stringify({ name: 'demo' }),
 * });
 * await atoms.close();
 */
export async function startAtomsEmulator(options: AtomsEmulatorOptions = {}): Promise<AtomsEmulator> {
  const clock = options.clock ?? systemClock;
  const store = new AtomsStore({
    clock,
    securityCheck: { ...options.securityCheck },
    migrationRequired: options.versioning === 'v2' || options.migrationRequired === true,
    allowGatedModels: options.allowGatedModels ?? false,
    configFreeze: options.configFreeze ?? false,
    readings: { openDraftId: options.openDraftId, draftConflict: options.draftConflict },
  });
  const router = new Router();
  registerAtomsAgentRoutes(router, store);
  registerAtomsV1Routes(router, store);
  registerAtomsV2Routes(router, store);
  const server = new EmulatorServer({
    ...options,
    clock,
    profile: atomsProfile,
    router,
    defaultApiKey: `sk_emulator_${randomHex(16)}`,
  });
  const url = await server.listen();
  const state: AtomsEmulatorState = store;
  return server.handle(state, `${url}${ATOMS_BASE_PATH}`);
}
