import { type AtomsEmulator, type AtomsEmulatorOptions, startAtomsEmulator } from '@agent-release/emulator';
import { afterAll, afterEach, expect } from 'vitest';
import { type Answer, type CallOptions, client, manualClock } from '../helpers.js';
import { declaredOperations, SpecValidator } from './openapi-schema.js';

/** Each answer is checked twice: against the spec as written, and with undeclared fields refused. */
const asWritten = new SpecValidator(false);
const closed = new SpecValidator(true, {
  // `GET /agent/{id}`: "Non-versioned fields (name, telephonyProductId, allowInboundCall, etc.)
  // sit at the top level".
  AgentDTO: ['telephonyProductId'],
  // The generic body of every 403 (`ForbiddenError`) declares only `status` and `data`; every
  // other error body of the spec carries its messages in `errors`.
  ApiResponse: ['errors'],
});

/**
 * Contract harness: real HTTP against an Atoms emulator, every answer validated against the
 * vendor's OpenAPI response schema for its operation and status. `outcomes` records which
 * operations were seen succeeding (2xx) and failing (4xx), so a file can assert it covered them.
 */
export function contractHarness() {
  const running: AtomsEmulator[] = [];
  const outcomes = new Set<string>();
  afterEach(async () => {
    await Promise.all(running.splice(0).map((emu) => emu.close()));
  });

  async function start(options: AtomsEmulatorOptions = {}) {
    const clock = manualClock();
    const emu = await startAtomsEmulator({ clock, securityCheck: { durationMs: 6000 }, ...options });
    running.push(emu);
    const raw = client(emu);

    /**
     * Calls `method template` with `{name}` placeholders filled from `params` and checks the
     * answer against the spec; `query` is appended as a query string.
     */
    async function call(
      method: string,
      template: string,
      params: Record<string, string>,
      body?: unknown,
      extra: { query?: Record<string, string | number>; options?: CallOptions } = {},
    ): Promise<Answer> {
      let path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
        const value = params[name];
        if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
        return value;
      });
      if (extra.query) {
        const pairs = Object.entries(extra.query).map(([k, v]): [string, string] => [k, String(v)]);
        path += `?${new URLSearchParams(pairs)}`;
      }
      const answer = await raw(method, path, body, extra.options);
      const where = `${method} ${path} -> ${answer.status} ${answer.text.slice(0, 600)}`;
      expect(asWritten.problems(method, template, answer.status, answer.body), where).toEqual([]);
      expect(
        closed.problems(method, template, answer.status, answer.body),
        `${where} (undeclared fields)`,
      ).toEqual([]);
      outcomes.add(`${method} ${template} ${answer.status < 300 ? 'success' : 'error'}`);
      return answer;
    }

    /** Creates an agent over HTTP (not a versioning operation, so not validated here). */
    async function createAgent(body: Record<string, unknown> = { name: 'contract-agent' }): Promise<string> {
      const created = await raw('POST', '/agent', body);
      expect(created.status).toBe(201);
      return created.body.data as string;
    }

    return { emu, clock, call, raw, createAgent };
  }

  /** Asserts, after the file's tests, that every listed operation was seen with both outcomes. */
  function expectCovered(match: (operation: string) => boolean) {
    afterAll(() => {
      const missing = declaredOperations()
        .filter(match)
        .flatMap((op) => [`${op} success`, `${op} error`])
        .filter((key) => !outcomes.has(key));
      expect(missing).toEqual([]);
    });
  }

  return { start, expectCovered };
}
