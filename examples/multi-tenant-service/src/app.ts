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
 * - `GET /tenants/:tenantId/agents/:agentId/active` → `{ provider, active }`
 *
 * Errors are RFC 9457 problem bodies (`application/problem+json`).
 */
export function buildApp(container: Container): FastifyInstance {
  const app = Fastify({ logger: false });
  const service = container.get<ReleaseService>(SERVICE_TOKENS.ReleaseService);

  app.post('/tenants/:tenantId/agents/:agentId/releases', async (request, reply) => {
    try {
      const { tenantId, agentId } = parse(paramsSchema, request.params, 'path');
      const body = parse(releaseBodySchema, request.body, 'body');
      const result = await service.release(tenantId, agentId, body);
      return reply.code(result.status === 'released' ? 201 : 200).send(result);
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
