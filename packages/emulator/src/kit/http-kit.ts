import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector } from './faults.js';
import { randomHex } from './ids.js';
import { RateLimiter } from './rate-limiter.js';
import { RequestLog } from './request-log.js';
import type { RouteResponse, Router } from './router.js';
import type { CommonEmulatorOptions, EmulatorClock, EmulatorHandle, RequestLogEntry } from './types.js';
import { systemClock } from './types.js';

/** Thrown by handlers and state operations to answer with a specific vendor response. */
export class HttpError extends Error {
  constructor(readonly response: RouteResponse) {
    super(
      `HTTP ${response.status}: ${typeof response.body === 'string' ? response.body : JSON.stringify(response.body)}`,
    );
    this.name = 'HttpError';
  }
}

/** The vendor-specific answers the shared pipeline needs. */
export interface VendorProfile {
  /** Prefix of every API path (`/atoms/v1`, or `''`). */
  basePath: string;
  unauthorized(): RouteResponse;
  rateLimited(retryAfterSeconds: number): RouteResponse;
  notFound(method: string, path: string): RouteResponse;
  invalidJson(): RouteResponse;
  internalError(): RouteResponse;
  /** Body of a scripted `status` fault that has none of its own. */
  faultBody(status: number): unknown;
}

export interface EmulatorServerOptions extends CommonEmulatorOptions {
  profile: VendorProfile;
  router: Router;
  /** Used when `apiKey` is not given. */
  defaultApiKey: string;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

interface ParsedBody {
  value: unknown;
  invalid: boolean;
}

/**
 * The HTTP pipeline both emulators share: body reading, the request log, scripted faults,
 * bearer auth, per-key rate limiting, routing and latency.
 */
export class EmulatorServer {
  readonly faults = new FaultInjector();
  readonly log = new RequestLog();
  readonly keys = new Set<string>();
  readonly apiKey: string;
  readonly clock: EmulatorClock;
  private readonly profile: VendorProfile;
  private readonly router: Router;
  private readonly limiter: RateLimiter | undefined;
  private readonly latencyMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: Server;
  private closed = false;
  private origin = '';

  constructor(private readonly options: EmulatorServerOptions) {
    this.profile = options.profile;
    this.router = options.router;
    this.clock = options.clock ?? systemClock;
    this.apiKey = options.apiKey ?? options.defaultApiKey;
    this.keys.add(this.apiKey);
    for (const key of options.apiKeys ?? []) this.keys.add(key);
    this.limiter = options.rateLimit ? new RateLimiter(options.rateLimit, this.clock) : undefined;
    this.latencyMs = Math.max(0, options.latencyMs ?? 0);
    this.server = createServer((req, res) => {
      this.onRequest(req, res).catch(() => {
        if (!res.headersSent) res.destroy();
      });
    });
  }

  /** Origin once listening, e.g. `http://127.0.0.1:43123`. */
  get url(): string {
    return this.origin;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    return this.origin;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Builds the public handle around this server and a vendor's state view. */
  handle<State>(state: State, baseUrl: string): EmulatorHandle<State> {
    const server = this;
    return {
      url: this.origin,
      baseUrl,
      apiKey: this.apiKey,
      state,
      get requests(): readonly RequestLogEntry[] {
        return server.log.snapshot();
      },
      faults: this.faults,
      addApiKey: (key) => {
        this.keys.add(key);
      },
      removeApiKey: (key) => {
        this.keys.delete(key);
      },
      clearRequests: () => this.log.clear(),
      close: () => this.close(),
    };
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = this.clock.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const underBase = isUnder(url.pathname, this.profile.basePath);
    const path = underBase ? url.pathname.slice(this.profile.basePath.length) || '/' : url.pathname;
    const query = Object.fromEntries(url.searchParams);

    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      res.destroy();
      return;
    }
    const body = parseBody(raw, req.headers['content-type']);
    const entry = this.log.begin({ method, path, query, body: body.value, at });

    const fault = this.faults.take(method, path);
    if (fault?.kind === 'drop-before') {
      entry.settle('dropped');
      res.destroy();
      return;
    }

    let response: RouteResponse;
    if (fault?.kind === 'status') {
      response = {
        status: fault.status,
        body: fault.body === undefined ? this.profile.faultBody(fault.status) : fault.body,
        headers: fault.headers,
      };
    } else if (!underBase) {
      response = this.profile.notFound(method, url.pathname);
    } else {
      response = this.process(method, path, query, body, req.headers);
    }

    if (fault?.kind === 'drop-after') {
      entry.settle('dropped');
      res.destroy();
      return;
    }
    const wait = this.latencyMs + (fault?.kind === 'delay' ? fault.delayMs : 0);
    if (wait > 0) await this.sleep(wait);
    if (res.destroyed) {
      entry.settle('dropped');
      return;
    }
    write(res, response);
    entry.settle(response.status);
  }

  private process(
    method: string,
    path: string,
    query: Record<string, string>,
    body: ParsedBody,
    headers: IncomingMessage['headers'],
  ): RouteResponse {
    const apiKey = bearerKey(headers.authorization);
    if (apiKey === undefined || !this.keys.has(apiKey)) return this.profile.unauthorized();
    if (this.limiter) {
      const decision = this.limiter.take(apiKey);
      if (!decision.allowed) return this.profile.rateLimited(decision.retryAfterSeconds);
    }
    if (body.invalid) return this.profile.invalidJson();
    const match = this.router.match(method, path);
    if (!match) return this.profile.notFound(method, path);
    try {
      return match.handler({ method, path, params: match.params, query, body: body.value, apiKey, headers });
    } catch (error) {
      if (error instanceof HttpError) return error.response;
      return this.profile.internalError();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

function isUnder(pathname: string, basePath: string): boolean {
  return basePath === '' || pathname === basePath || pathname.startsWith(`${basePath}/`);
}

function bearerKey(header: string | undefined): string | undefined {
  const match = /^bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): ParsedBody {
  if (raw.trim() === '') return { value: undefined, invalid: false };
  try {
    return { value: JSON.parse(raw) as unknown, invalid: false };
  } catch {
    // Like a JSON body parser: only a body that claims to be JSON is a client error; anything
    // else is simply not read.
    const claimsJson = (contentType ?? '').toLowerCase().includes('json');
    return { value: raw, invalid: claimsJson };
  }
}

function write(res: ServerResponse, response: RouteResponse): void {
  // Names keep the case the route gave them (`Deprecation`, `Retry-After`), as the vendors write
  // them; a client reading headers case-sensitively sees them as it would live.
  const headers: Record<string, string> = { 'x-request-id': randomHex(12) };
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name] = value;
  const has = (name: string) => Object.keys(headers).some((key) => key.toLowerCase() === name);
  let payload = '';
  if (response.body !== undefined && response.body !== null) {
    if (typeof response.body === 'string') {
      payload = response.body;
      if (!has('content-type')) headers['content-type'] = 'text/plain; charset=utf-8';
    } else {
      payload = JSON.stringify(response.body);
      if (!has('content-type')) headers['content-type'] = 'application/json; charset=utf-8';
    }
  }
  for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-length') delete headers[key];
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}
