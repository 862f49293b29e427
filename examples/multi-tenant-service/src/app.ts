import { agentIdSchema, ValidationError } from '@agent-release/core';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Container } from 'inversify';
import { z } from 'zod';
import { toProblem } from './problem.js';
import type { ReleaseService } from './release-service.js';
import { SERVICE_TOKENS } from './service-tokens.js';

const paramsSchema = z.object({
  tenantId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  agentId: agentIdSchema,
});

// The library validates `changes` itself (neutral schema + the tenant's adapter); here only the
// envelope is checked, so a tenant's vendor decides what a valid change is.
const releaseBodySchema = z
  .object({
    changes: z.record(z.string(), z.unknown()),
    label: z.string().optional(),
    description: z.string().optional(),
    activate: z.boolean().optional(),
  })
  .strict();

// `to` is checked by rollback() itself (a version id of the right shape, or 'previous').
const rollbackBodySchema = z.object({ to: z.string().min(1) }).strict();

const historyQuerySchema = z
  .object({
    limit: z
      .string()
      .regex(/^[0-9]{1,4}$/, 'must be a whole number from 1 to 1000')
      .transform(Number)
      .pipe(z.number().int().min(1).max(1000))
      .optional(),
  })
  .strict();

/**
 * Who asked, for the ledger. A stand-in for the identity your authentication layer provides:
 * optional, and restricted to a plain id (no spaces or control characters) so it cannot forge
 * log lines or history rows.
 */
const actorSchema = z
  .string()
  .regex(/^[A-Za-z0-9._@:+-]{1,100}$/, 'must be 1-100 letters, digits or . _ @ : + -')
  .optional();

function actorOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  return parse(actorSchema, headers['x-actor'], 'headers.x-actor');
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: [what, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  throw new ValidationError(`Invalid ${what}: ${issues[0]?.path} ${issues[0]?.message}`, { issues });
}

function sendProblem(reply: FastifyReply, error: unknown, instance: string) {
  const problem = toProblem(error, instance);
  return reply.code(problem.status).headers(problem.headers).send(problem.body);
}

/**
 * The HTTP surface: thin routes over the injected {@link ReleaseService}.
 *
 * - `POST /tenants/:tenantId/agents/:agentId/releases` `{ changes, label?, description?, activate? }` → `ReleaseResult`
 * - `POST /tenants/:tenantId/agents/:agentId/rollbacks` `{ to: 'previous' | versionId }` → `RollbackResult`
 * - `GET /tenants/:tenantId/agents/:agentId/history?limit=` → `{ tenant, agentId, provider, entries }` (newest first)
 * - `GET /tenants/:tenantId/agents/:agentId/active` → `{ provider, active }`
 *
 * Releases and rollbacks record the `x-actor` header (optional) as the ledger's actor.
 * Errors are RFC 9457 problem bodies (`application/problem+json`).
 */
export function buildApp(container: Container): FastifyInstance {
  const app = Fastify({ logger: false });
  const service = container.get<ReleaseService>(SERVICE_TOKENS.ReleaseService);
  app.addHook('onClose', () => container.get<() => Promise<void>>(SERVICE_TOKENS.Shutdown)());

  app.post('/tenants/:tenantId/agents/:agentId/releases', async (request, reply) => {
    try {
      const { tenantId, agentId } = parse(paramsSchema, request.params, 'path');
      const body = parse(releaseBodySchema, request.body, 'body');
      const actor = actorOf(request.headers);
      const result = await service.release(tenantId, agentId, body, actor);
      return reply.code(result.status === 'released' ? 201 : 200).send(result);
    } catch (error) {
      return sendProblem(reply, error, request.url);
    }
  });

  // 200 for both outcomes: a rollback makes an existing configuration live again, it creates no
  // resource of its own on every vendor (the body's `status` says whether anything changed).
  app.post('/tenants/:tenantId/agents/:agentId/rollbacks', async (request, reply) => {
    try {
      const { tenantId, agentId } = parse(paramsSchema, request.params, 'path');
      const body = parse(rollbackBodySchema, request.body, 'body');
      const actor = actorOf(request.headers);
      return reply.send(await service.rollback(tenantId, agentId, body, actor));
    } catch (error) {
      return sendProblem(reply, error, request.url);
    }
  });

  app.get('/tenants/:tenantId/agents/:agentId/history', async (request, reply) => {
    try {
      const { tenantId, agentId } = parse(paramsSchema, request.params, 'path');
      const { limit } = parse(historyQuerySchema, request.query ?? {}, 'query');
      return reply.send(await service.history(tenantId, agentId, limit ?? 20));
    } catch (error) {
      return sendProblem(reply, error, request.url);
    }
  });

  app.get('/tenants/:tenantId/agents/:agentId/active', async (request, reply) => {
    try {
      const { tenantId, agentId } = parse(paramsSchema, request.params, 'path');
      return reply.send(await service.activeVersion(tenantId, agentId));
    } catch (error) {
      return sendProblem(reply, error, request.url);
    }
  });

  // Malformed JSON and other framework-level failures get the same problem shape.
  app.setErrorHandler((error: { statusCode?: number; message?: string }, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : 500;
    const problem =
      status < 500
        ? toProblem(new ValidationError(`Invalid request: ${error.message ?? 'malformed'}`), request.url)
        : toProblem(error, request.url);
    return reply
      .code(status)
      .headers(problem.headers)
      .send({ ...problem.body, status });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .header('content-type', 'application/problem+json')
      .send({
        type: 'about:blank',
        title: 'Not found',
        status: 404,
        detail: `No route ${request.method} ${request.url}`,
      }),
  );
  return app;
}
