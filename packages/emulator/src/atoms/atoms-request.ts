import { isObjectId, objectId, randomHex } from '../kit/ids.js';
import { isPlainObject } from '../kit/json-utils.js';
import type { RouteRequest } from '../kit/router.js';
import { atomsError } from './atoms-responses.js';

/** The JSON object body of a request (`{}` when empty), or a 400 envelope. */
export function objectBody(req: RouteRequest): Record<string, unknown> {
  if (req.body === undefined) return {};
  if (!isPlainObject(req.body)) throw atomsError(400, 'Invalid input');
  return req.body;
}

/** An integer query parameter within `[min, max]`, `fallback` when absent, else a 400. */
export function intQuery(
  req: RouteRequest,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw atomsError(400, `Invalid input: ${name} must be an integer between ${min} and ${max}`);
  }
  return value;
}

/** An optional, nullable string body field of at most `max` characters, else a 400. */
export function optionalText(
  body: Record<string, unknown>,
  key: string,
  max: number,
): string | null | undefined {
  const value = body[key];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw atomsError(400, `Invalid input: ${key} must be a string`);
  if (value.length > max) throw atomsError(400, `Invalid input: ${key} must be at most ${max} characters`);
  return value;
}

/** A required 24-hex query parameter, else a 400. */
export function requireObjectIdQuery(req: RouteRequest, name: string): string {
  const value = req.query[name];
  if (value === undefined) throw atomsError(400, `Invalid input: ${name} is required`);
  if (!isObjectId(value)) throw atomsError(400, `Invalid input: ${name} must be a valid ObjectId`);
  return value;
}

/** A 24-hex path parameter (the spec's pattern on `{versionId}`, `{branchId}`, ...), else a 400. */
export function requireObjectIdParam(req: RouteRequest, name: string): string {
  const value = req.params[name]!;
  if (!isObjectId(value)) throw atomsError(400, `Invalid input: ${name} must be a valid ObjectId`);
  return value;
}

/** The `mode`/`toPhone` part shared by every test-call body. */
export function testCallBody(req: RouteRequest): { mode: string; body: Record<string, unknown> } {
  const body = objectBody(req);
  const mode = body.mode ?? 'webcall';
  if (mode !== 'webcall' && mode !== 'chat' && mode !== 'telephony') {
    throw atomsError(400, 'Invalid input: mode must be one of "webcall", "chat", "telephony"');
  }
  if (mode === 'telephony' && typeof body.toPhone !== 'string') {
    throw atomsError(400, 'Invalid input: toPhone is required for telephony test calls');
  }
  return { mode, body };
}

/** `TestCallResult`: `token`, `roomName` and `host` only for webcall and chat. */
export function testCallResult(mode: string, now: number): Record<string, string> {
  const call = { conversationId: objectId(now), callId: `CALL-${randomHex(8)}` };
  return mode === 'telephony'
    ? call
    : { ...call, token: randomHex(16), roomName: `room-${randomHex(6)}`, host: 'wss://emulator.invalid' };
}
