import { isPlainObject } from '../kit/json-utils.js';
import { retellError } from './retell-errors.js';
import { ARRAY_FIELDS, STRING_FIELDS } from './retell-fields.js';

/** The body as a JSON object, or Retell's 400. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (!isPlainObject(body)) throw retellError(400, 'Request body must be a JSON object.');
  return body;
}

/** A non-negative integer, or undefined when the value is not one. */
export function asVersion(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** `?version=N`: undefined when absent, a 400 when not a non-negative integer. */
export function versionQuery(query: Record<string, string>): number | undefined {
  const raw = query.version;
  if (raw === undefined || raw === '') return undefined;
  const version = asVersion(raw);
  if (version === undefined) throw retellError(400, `version must be a non-negative integer, got "${raw}".`);
  return version;
}

/** A required integer version in a JSON body (`base_version`, `version`). */
export function bodyVersion(body: Record<string, unknown>, name: string): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw retellError(400, `${name} is required and must be a non-negative integer.`);
  }
  return value;
}

/**
 * Refuses fields the operation's request type does not declare and the commonest type slips,
 * so a client's misspelt or mistyped field fails here as a strict validator would.
 */
export function checkFields(
  body: Record<string, unknown>,
  allowed: readonly string[],
  operation: string,
): void {
  for (const [key, value] of Object.entries(body)) {
    if (!allowed.includes(key)) throw retellError(400, `${operation}: unknown field "${key}".`);
    if (value === null) continue;
    if (STRING_FIELDS.has(key) && typeof value !== 'string') {
      throw retellError(400, `${operation}: ${key} must be a string or null.`);
    }
    if (ARRAY_FIELDS.has(key) && !Array.isArray(value)) {
      throw retellError(400, `${operation}: ${key} must be an array or null.`);
    }
  }
}

/** `limit` (1–1000, default 1000), `pagination_key`, `sort_order` of Retell's list operations. */
export interface PageQuery {
  limit: number;
  paginationKey: string | undefined;
  descending: boolean;
}

export function pageQuery(query: Record<string, string>): PageQuery {
  const limit = query.limit === undefined ? 1000 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw retellError(400, 'limit must be an integer between 1 and 1000.');
  }
  const order = query.sort_order ?? 'descending';
  if (order !== 'ascending' && order !== 'descending') {
    throw retellError(400, 'sort_order must be ascending or descending.');
  }
  return { limit, paginationKey: query.pagination_key || undefined, descending: order === 'descending' };
}

/** One page of `items` (already sorted), keyed by `keyOf`; the key is exclusive, as Retell's is. */
export function paginate<T>(
  items: readonly T[],
  page: PageQuery,
  keyOf: (item: T) => string,
): { items: T[]; has_more: boolean; pagination_key?: string } {
  let start = 0;
  if (page.paginationKey !== undefined) {
    const index = items.findIndex((item) => keyOf(item) === page.paginationKey);
    if (index < 0) throw retellError(400, 'Invalid pagination_key.');
    start = index + 1;
  }
  const slice = items.slice(start, start + page.limit);
  const hasMore = start + page.limit < items.length;
  const last = slice.at(-1);
  return hasMore && last !== undefined
    ? { items: slice, has_more: true, pagination_key: keyOf(last) }
    : { items: slice, has_more: false };
}
