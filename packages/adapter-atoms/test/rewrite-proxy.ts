import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy in front of an emulator that forwards every request and, for requests
 * matching `match`, replaces the (already applied) upstream answer with `status`. It produces
 * "the write happened, the client saw a 5xx", which the emulator's own faults cannot (a `status`
 * fault answers without applying).
 */
export async function startRewriteProxy(options: {
  upstream: string;
  match: (method: string, path: string) => boolean;
  status: number;
  times: number;
}): Promise<{ url: string; rewritten: () => number; close: () => Promise<void> }> {
  const upstream = new URL(options.upstream);
  let remaining = options.times;
  let rewritten = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (up) => {
          const body: Buffer[] = [];
          up.on('data', (c: Buffer) => body.push(c));
          up.on('end', () => {
            const path = new URL(req.url ?? '/', 'http://x').pathname;
            if (remaining > 0 && options.match(req.method ?? 'GET', path)) {
              remaining -= 1;
              rewritten += 1;
              res.writeHead(options.status, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ status: false, errors: ['Internal server error'] }));
              return;
            }
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rewritten: () => rewritten,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
