import { ConflictError, NotFoundError } from '@agent-release/core';

/** The error for a `finish` that matched no running entry: unknown id, or finished already. */
export function notFinishable(id: string, exists: boolean): Error {
  return exists
    ? new ConflictError(`Ledger entry ${id} is already finished; an attempt is finished exactly once.`)
    : new NotFoundError(`No ledger entry ${id}; pass the id that begin() returned.`);
}
