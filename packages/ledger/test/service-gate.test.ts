import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ServiceGate, serviceAvailable, tcpProbe } from './service-gate.js';

const down: ServiceGate = {
  service: 'Redis at 127.0.0.1:1',
  suites: 'the BullMQ suites',
  start: 'redis-server --daemonize yes',
  probe: tcpProbe('127.0.0.1', 1),
};

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('serviceAvailable', () => {
  it('skips with a message naming the suites and the start command when CI is not set', async () => {
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await serviceAvailable(down)).toBe(false);
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /^SKIPPED the BullMQ suites: Redis at 127\.0\.0\.1:1 does not answer \(.*ECONNREFUSED.*\)\. To run them, start it with `redis-server --daemonize yes`/,
    );
  });

  it('fails loudly instead when CI is set', async () => {
    vi.stubEnv('CI', 'true');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await expect(serviceAvailable(down)).rejects.toThrow(
      /Redis at 127\.0\.0\.1:1 does not answer .* and CI is set, so the BullMQ suites cannot be skipped\. Start it with: redis-server/,
    );
    expect(warn).not.toHaveBeenCalled();
  });

  it('says yes when the service answers', async () => {
    vi.stubEnv('CI', 'true');
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await serviceAvailable({ ...down, probe: tcpProbe('127.0.0.1', port) })).toBe(true);
    } finally {
      server.close();
    }
  });
});
