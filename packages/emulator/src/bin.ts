#!/usr/bin/env node
import { runCli } from './cli.js';

try {
  const running = await runCli(process.argv.slice(2));
  if (running) {
    const stop = () => {
      // Closing both servers leaves nothing on the event loop, so the process ends with code 0.
      running.close().catch((error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exitCode = 1;
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
