import { ValidationError } from '../errors.js';

/**
 * Builds a request path from a template, percent-encoding each interpolated segment.
 *
 * `encodeURIComponent` leaves `.` alone, so `..` would still climb the path; such segments, and
 * empty ones, are refused. Adapters validate id formats first; this is the last line of defence
 * that nothing a caller passes can change which endpoint is called.
 *
 * @example pathOf`/agent/${agentId}/drafts/${draftId}/publish`
 */
export function pathOf(strings: TemplateStringsArray, ...values: readonly (string | number)[]): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const segment = String(value);
    if (segment === '' || segment === '.' || segment === '..') {
      throw new ValidationError(`Invalid path segment ${JSON.stringify(segment)}`, {
        issues: [{ path: 'id', message: 'must be a non-empty id' }],
      });
    }
    out += encodeURIComponent(segment) + (strings[i + 1] ?? '');
  });
  return out;
}
