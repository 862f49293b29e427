import { connect } from 'node:net';

/** A service some test suites need (PostgreSQL now, Redis later). */
export interface ServiceGate {
  /** e.g. `PostgreSQL at 127.0.0.1:5432`. */
  service: string;
  /** The suites that need it, named in the skip message. */
  suites: string;
  /** The command that starts it on the project's machines. */
  start: string;
  /** Resolves when the service answers; rejects otherwise. */
  probe: () => Promise<void>;
}

/**
 * Whether the suites of `gate` can run. On a machine without the service they are skipped with a
 * message naming them and how to run them; with `CI` set, a missing service is an error instead,
 * so CI can never go green by skipping.
 */
export async function serviceAvailable(gate: ServiceGate): Promise<boolean> {
  try {
    await gate.probe();
    return true;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (isCi()) {
      throw new Error(
        `${gate.service} does not answer (${why}) and CI is set, so ${gate.suites} cannot be skipped. Start it with: ${gate.start}`,
      );
    }
    console.warn(
      `SKIPPED ${gate.suites}: ${gate.service} does not answer (${why}). To run them, start it with \`${gate.start}\` and run the tests again.`,
    );
    return false;
  }
}

/** Whether `CI` is set to something other than empty, `0` or `false`. */
export function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Resolves when something accepts a TCP connection at `host:port` (e.g. Redis' 6379) within `timeoutMs`. */
export function tcpProbe(host: string, port: number, timeoutMs = 2_000): () => Promise<void> {
  return () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect({ host, port });
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      socket.once('connect', () => {
        socket.end();
        resolve();
      });
      socket.once('error', reject);
    });
}
