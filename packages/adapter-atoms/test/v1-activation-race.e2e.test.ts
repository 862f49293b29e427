// Issue 10: two Atoms v1 writers without a shared lease. Both pass the base check, both activate,
// and each sees the other's version live afterwards: at least one must win, and what is live
// after both settle must match what each caller was told. The interleaving is forced by holding
// requests (not by load), so the race happens on every run.
import {
  ConflictError,
  createInProcessReleaseLock,
  noopLogger,
  release,
  systemClock,
} from '@agent-release/core';
import { HttpClient, type HttpRequest, type HttpResponse } from '@agent-release/core/provider';
import { type AtomsEmulator, startAtomsEmulator } from '@agent-release/emulator';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { atomsErrorMapper } from '../src/shared/errors.js';
import { AtomsV1Releaser } from '../src/v1/releaser.js';

beforeAll(() => {
  nock.enableNetConnect('127.0.0.1');
});

const open: AtomsEmulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

/** Runs `before` ahead of every request and `after` once it answered, with the answer's data. */
type Hook = (req: { operation: string }, data?: unknown) => Promise<void> | void;

class HookedHttp extends HttpClient {
  before: Hook = () => undefined;
  after: Hook = () => undefined;
  override async request<S extends z.ZodType>(req: HttpRequest<S>): Promise<HttpResponse<z.output<S>>> {
    await this.before(req);
    const res = await super.request(req);
    await this.after(req, res.data);
    return res;
  }
}

/** A promise with its resolver, to release a held request. */
function latch() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

function writer(emulator: AtomsEmulator) {
  const http = new HookedHttp({
    provider: 'atoms',
    baseUrl: emulator.baseUrl,
    apiKey: emulator.apiKey,
    mapError: atomsErrorMapper(),
    logger: noopLogger,
  });
  const releaser = new AtomsV1Releaser({
    http,
    logger: noopLogger,
    clock: systemClock,
    random: Math.random,
    securityCheck: { minDelayMs: 10, maxDelayMs: 30, maxWaitMs: 10_000, expectedMs: 60 },
  });
  return { http, releaser };
}

const liveOf = (data: unknown) => (data as { data: { activeVersionId?: string } }).data.activeVersionId;

describe('two v1 writers whose activations interleave', () => {
  it('A activates, B overwrites it, A confirms while B is live, B restores: one wins, live matches', async () => {
    const emulator = await startAtomsEmulator({ securityCheck: { durationMs: 30 } });
    open.push(emulator);
    const agentId = emulator.state.createAgent({ name: 'support', prompt: 'Initial', tools: [] });
    const a = writer(emulator);
    const b = writer(emulator);

    const bothAtActivate = latch();
    let atActivate = 0;
    const aListed = latch();
    const bActivated = latch();
    const aConfirmRead = latch();
    let aActivated = false;
    let aListedDone = false;
    let aSawDuringConfirm: string | undefined;
    let bActivatedDone = false;
    let bVersion: string | undefined;

    // Both writers passed their base check and stand before their first activate.
    const arriveAtActivate = async () => {
      atActivate += 1;
      if (atActivate === 2) bothAtActivate.open();
      await bothAtActivate.opened;
    };
    a.http.before = async (req) => {
      if (req.operation === 'activate' && !aActivated) await arriveAtActivate();
      // A's first agent read after its activation is the confirm: it runs while B's version is live.
      if (req.operation === 'getAgent' && aListedDone && aSawDuringConfirm === undefined)
        await bActivated.opened;
    };
    a.http.after = (req, data) => {
      if (req.operation === 'activate') aActivated = true;
      if (req.operation === 'listVersions' && aActivated && !aListedDone) {
        aListedDone = true;
        aListed.open();
      }
      if (req.operation === 'getAgent' && aListedDone && aSawDuringConfirm === undefined) {
        aSawDuringConfirm = liveOf(data);
        aConfirmRead.open();
      }
    };
    b.http.before = async (req) => {
      if (req.operation === 'activate' && !bActivatedDone) {
        await arriveAtActivate();
        await aListed.opened; // A activated and checked for intruders: it saw none.
      }
      // B checks for intruders only once A has read the agent and seen B's version live.
      if (req.operation === 'listVersions' && bActivatedDone) await aConfirmRead.opened;
    };
    b.http.after = (req, data) => {
      if (req.operation === 'activate' && !bActivatedDone) {
        bActivatedDone = true;
        bVersion = (data as { data: { _id: string } }).data._id;
        bActivated.open();
      }
    };

    const ownLock = { lock: createInProcessReleaseLock() };
    const results = await Promise.allSettled([
      release(a.releaser, agentId, { firstMessage: 'Hello from A' }, ownLock),
      release(
        b.releaser,
        agentId,
        { providerOptions: { atoms: { backgroundSound: 'office' } } },
        {
          lock: createInProcessReleaseLock(),
        },
      ),
    ]);

    const [ra, rb] = results;
    const live = emulator.state.activeVersion(agentId)!;
    // The race happened as scripted: A's confirm read saw a version other than its own live.
    expect(bVersion).toBeDefined();
    expect(aSawDuringConfirm).toBe(bVersion);
    // At least one wins; a loser is told ConflictError; the winner's version is live.
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won.length).toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    // What is live has exactly the fields of the callers told `released`.
    expect(live.config.firstMessage === 'Hello from A').toBe(ra.status === 'fulfilled');
    expect(live.config.backgroundSound === 'office').toBe(rb.status === 'fulfilled');
  });
});
