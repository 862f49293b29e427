import type { z } from 'zod';
import { UnexpectedResponseError } from '../errors.js';
import { parseBody } from './wire.js';

/**
 * A 2xx body read through its lenient `schema`; a mismatch is an `UnexpectedResponseError` naming
 * the first field that did not fit.
 */
export function parseSuccess<S extends z.ZodType>(
  schema: S,
  text: unknown,
  where: { provider: string; operation: string; status: number },
): z.output<S> {
  const result = schema.safeParse(parseBody(text));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.map(String).join('.') : '(body)';
  throw new UnexpectedResponseError(
    `${where.provider} ${where.operation}: unexpected response shape at "${field}": ${issue?.message ?? 'invalid'}`,
    { ...where, field },
  );
}
