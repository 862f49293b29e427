import axios, { type AxiosError, type AxiosResponse } from 'axios';
import { dropUndefined } from './wire.js';

/** Where and how every request of one client goes. */
export interface SendTarget {
  readonly baseUrl: string;
  /** Every header of the request, `Authorization` included. */
  readonly headers: Readonly<Record<string, string>>;
  /** Loopback hosts bypass any configured proxy. */
  readonly loopback: boolean;
}

/** One request as the wire sees it. */
export interface WireRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string | number | boolean | undefined> | undefined;
  readonly body?: unknown;
}

/** An answer of any status, or the transport's error (never thrown on, never handed on whole). */
export type SendOutcome =
  | { readonly kind: 'response'; readonly response: AxiosResponse<string> }
  | { readonly kind: 'error'; readonly code: string | undefined; readonly message: string };

/** Sends `req` once, cut by `signal`; resolves with the answer or the transport error's code. */
export async function sendOnce(
  target: SendTarget,
  req: WireRequest,
  signal: AbortSignal,
): Promise<SendOutcome> {
  const hasBody = req.body !== undefined;
  try {
    const response = await axios.request<string>({
      baseURL: target.baseUrl,
      url: req.path,
      method: req.method,
      params: req.query ? dropUndefined(req.query) : undefined,
      data: hasBody ? JSON.stringify(req.body) : undefined,
      headers: {
        ...target.headers,
        // `false` stops axios from adding its form-urlencoded default to a bodiless PATCH/POST.
        'Content-Type': hasBody ? 'application/json' : false,
      },
      signal,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      // Statuses are mapped by the client, not thrown by axios: its errors carry the request config.
      validateStatus: () => true,
      // A redirect could carry the bearer key to another host.
      maxRedirects: 0,
      maxContentLength: 16 * 1024 * 1024,
      proxy: target.loopback ? false : undefined,
    });
    return { kind: 'response', response };
  } catch (raw) {
    // Only the code and message leave here: the axios error's config holds the headers.
    const err = raw as AxiosError;
    return {
      kind: 'error',
      code: typeof err.code === 'string' ? err.code : undefined,
      message: typeof err.message === 'string' ? err.message : '',
    };
  }
}
