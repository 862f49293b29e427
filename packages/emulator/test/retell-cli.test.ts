import { parseCliArgs, type RunningEmulators, runCli } from '@agent-release/emulator';
import { describe, expect, it } from 'vitest';

describe('agent-release-emulator: the Retell flags', () => {
  it('parses --retell-port and --api-key-retell', () => {
    expect(parseCliArgs(['--retell-port', '0', '--api-key-retell=key_cli'])).toEqual({
      retellPort: 0,
      retellApiKey: 'key_cli',
    });
  });

  it('starts the Retell emulator next to the others and prints its base URL and key', async () => {
    const lines: string[] = [];
    let running: RunningEmulators | undefined;
    try {
      running = await runCli(['--api-key-retell', 'key_cli'], (line) => lines.push(line));
      expect(lines.join('\n')).toContain(`retell    baseUrl=${running!.retell.baseUrl} apiKey=key_cli`);
      const res = await fetch(`${running!.retell.baseUrl}/get-agent/agent_x`, {
        headers: { Authorization: 'Bearer key_cli' },
      });
      expect(res.status).toBe(422);
    } finally {
      await running?.close();
    }
  });
});
