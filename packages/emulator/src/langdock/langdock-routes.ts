import { HttpError } from '../kit/http-kit.js';
import { isUuid } from '../kit/ids.js';
import { isPlainObject } from '../kit/json-utils.js';
import type { RouteRequest, Router } from '../kit/router.js';
import { type LangdockStore, langdockError } from './langdock-state.js';

/** The two readings of Langdock's unspecified update answer (see `LangdockEmulatorOptions`). */
export type LangdockUpdateAnswer = 'agent' | 'bare';

/** Langdock's agent routes need the `AGENT_API` scope; read-only keys may list and get. */
export interface LangdockAccess {
  isReadOnly(apiKey: string): boolean;
  /** Whether the update answer shows the draft (`agent`) or only `{status, message}` (`bare`). */
  updateAnswer: LangdockUpdateAnswer;
}

/** Models `GET /agent/v1/models` lists; any non-empty model name is accepted on writes. */
const MODELS = ['gpt-4o', 'gpt-4.1', 'gpt-5', 'claude-sonnet-4', 'mistral-large'];

function objectBody(req: RouteRequest): Record<string, unknown> {
  if (!isPlainObject(req.body)) throw langdockError(400, 'Request body must be a JSON object');
  return req.body;
}

function agentIdOf(value: unknown): string {
  if (value === undefined || value === null || value === '') throw langdockError(400, 'agentId is required');
  if (!isUuid(value)) throw langdockError(400, 'agentId must be a valid UUID');
  return value;
}

function requireWriteScope(access: LangdockAccess, req: RouteRequest): void {
  if (access.isReadOnly(req.apiKey)) {
    throw new HttpError({
      status: 403,
      body: { error: 'INSUFFICIENT_SCOPES', details: { missing: ['AGENT_API'] } },
    });
  }
}

const encodeCursor = (agentId: string) => Buffer.from(agentId, 'utf8').toString('base64url');
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/** The Langdock Agents API (`/agent/v1/*`). There is deliberately no version read/restore. */
export function registerLangdockRoutes(router: Router, store: LangdockStore, access: LangdockAccess): void {
  router.add('POST', '/agent/v1/create', (req) => {
    requireWriteScope(access, req);
    const agent = store.create(objectBody(req));
    return {
      status: 201,
      body: { status: 'success', message: 'Agent created successfully', agent: store.view(agent) },
    };
  });

  router.add('GET', '/agent/v1/get', (req) => {
    const agent = store.requireAgent(agentIdOf(req.query.agentId), req.apiKey);
    return { status: 200, body: { status: 'success', agent: store.view(agent) } };
  });

  router.add('PATCH', '/agent/v1/update', (req) => {
    requireWriteScope(access, req);
    const body = objectBody(req);
    const agent = store.requireAgent(agentIdOf(body.agentId), req.apiKey);
    store.update(agent, body);
    const answer = { status: 'success', message: 'Agent updated successfully' };
    if (access.updateAnswer === 'bare') return { status: 200, body: answer };
    // Langdock shows the draft nowhere else; this reading's update answer is the only read of it.
    const { id, createdAt, updatedAt, disabled } = store.view(agent);
    return {
      status: 200,
      body: { ...answer, agent: { id, ...store.draft(agent.id), createdAt, updatedAt, disabled } },
    };
  });

  router.add('POST', '/agent/v1/publish', (req) => {
    requireWriteScope(access, req);
    const body = objectBody(req);
    const agentId = agentIdOf(body.agentId);
    const { description } = body;
    if (description !== undefined && description !== null) {
      if (typeof description !== 'string') throw langdockError(400, 'description must be a string');
      if (description.length > 100) throw langdockError(400, 'description must be at most 100 characters');
    }
    const agent = store.requireAgent(agentId, req.apiKey);
    const version = store.publish(agent, typeof description === 'string' ? description : null);
    return {
      status: 200,
      body: {
        status: 'success',
        message: 'Agent published successfully',
        version: {
          id: version.id,
          version: version.version,
          createdAt: new Date(version.createdAt).toISOString(),
        },
      },
    };
  });

  router.add('GET', '/agent/v1/list', (req) => {
    const rawLimit = req.query.limit;
    const limit = rawLimit === undefined ? 50 : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 250) {
      throw langdockError(400, 'limit must be an integer between 1 and 250');
    }
    const agents = store.listFor(req.apiKey);
    let start = 0;
    if (req.query.cursor !== undefined) {
      const index = agents.findIndex((a) => a.id === decodeCursor(req.query.cursor!));
      if (index < 0) throw langdockError(400, 'Invalid cursor');
      start = index + 1;
    }
    const page = agents.slice(start, start + limit);
    const last = page.at(-1);
    const nextCursor = last && start + limit < agents.length ? encodeCursor(last.id) : null;
    return { status: 200, body: { status: 'success', agents: page.map((a) => store.view(a)), nextCursor } };
  });

  router.add('PATCH', '/agent/v1/disable', (req) => {
    requireWriteScope(access, req);
    const body = objectBody(req);
    const agentId = agentIdOf(body.agentId);
    if (typeof body.disabled !== 'boolean') throw langdockError(400, 'disabled must be a boolean');
    const agent = store.requireAgent(agentId, req.apiKey);
    store.setDisabled(agent, body.disabled);
    return {
      status: 200,
      body: {
        status: 'success',
        message: body.disabled ? 'Agent disabled successfully' : 'Agent enabled successfully',
      },
    };
  });

  router.add('GET', '/agent/v1/models', () => ({
    status: 200,
    body: {
      object: 'list',
      data: MODELS.map((id) => ({ id, object: 'model', created: 1_735_689_600, owned_by: 'langdock' })),
    },
  }));
}
