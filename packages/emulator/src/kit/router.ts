/** A request as a route handler sees it (already authenticated and rate-limited). */
export interface RouteRequest {
  method: string;
  /** Path relative to the base path. */
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  /** The key that authenticated the request; handlers use it for per-key access rules only. */
  apiKey: string;
  /** Request headers, names lower-cased (conditional requests read `if-match`). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** What a handler answers. `body` objects are sent as JSON, strings as they are. */
export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (req: RouteRequest) => RouteResponse;

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

/**
 * Express-style `:param` matching, first registered route wins. Vendor route files register
 * literal paths (`/versions/diff`) before parameterised siblings (`/versions/:versionId`).
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method: method.toUpperCase(), segments: split(pattern), handler });
    return this;
  }

  match(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } | undefined {
    const parts = split(path);
    for (const route of this.routes) {
      if (route.method !== method.toUpperCase() || route.segments.length !== parts.length) continue;
      const params = matchSegments(route.segments, parts);
      if (params) return { handler: route.handler, params };
    }
    return undefined;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = parts[i]!;
    if (want.startsWith(':')) {
      try {
        params[want.slice(1)] = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
