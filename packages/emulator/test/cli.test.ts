import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCliArgs, runCli } from '@agent-release/emulator';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

describe('parseCliArgs', () => {
  it('parses every flag in both spellings', () => {
    expect(
      parseCliArgs([
        '--atoms-port',
        '4010',
        '--langdock-port=4011',
        '--security-check-ms',
        '2000',
        '--api-key-atoms',
        'sk_a',
        '--api-key-langdock=sk-ld-b',
        '--latency-ms',
        '5',
      ]),
    ).toEqual({
      atomsPort: 4010,
      langdockPort: 4011,
      securityCheckMs: 2000,
      atomsApiKey: 'sk_a',
      langdockApiKey: 'sk-ld-b',
      latencyMs: 5,
    });
    expect(parseCliArgs(['--help'])).toEqual({ help: true });
  });

  it('parses the Atoms readings of what the spec leaves open', () => {
    expect(parseCliArgs(['--open-draft-id', '_id', '--draft-conflict=lean'])).toEqual({
      openDraftId: '_id',
      draftConflict: 'lean',
    });
    expect(() => parseCliArgs(['--open-draft-id', 'rowId'])).toThrow(/draftId or _id/);
    expect(() => parseCliArgs(['--draft-conflict', 'poor'])).toThrow(/rich or lean/);
  });

  it('parses the Langdock reading of the update answer the docs leave open', () => {
    expect(parseCliArgs(['--langdock-update-answer', 'bare'])).toEqual({ langdockUpdateAnswer: 'bare' });
    expect(parseCliArgs(['--langdock-update-answer=agent'])).toEqual({ langdockUpdateAnswer: 'agent' });
    expect(() => parseCliArgs(['--langdock-update-answer', 'full'])).toThrow(/agent or bare/);
  });

  it('starts the Langdock emulator with the chosen update answer', async () => {
    const running = await runCli(['--langdock-update-answer', 'bare'], () => undefined);
    try {
      const { langdock } = running!;
      const agentId = langdock.state.createAgent({ name: 'cli', publish: true });
      const res = await fetch(`${langdock.baseUrl}/agent/v1/update`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${langdock.apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ agentId, instruction: 'x' }),
      });
      expect(await res.json()).toEqual({ status: 'success', message: 'Agent updated successfully' });
    } finally {
      await running?.close();
    }
  });

  it('rejects unknown flags, missing values and bad numbers', () => {
    expect(() => parseCliArgs(['--nope'])).toThrow(/Unknown option/);
    expect(() => parseCliArgs(['--atoms-port'])).toThrow(/Missing value/);
    expect(() => parseCliArgs(['--atoms-port', 'x'])).toThrow(/integer/);
  });
});

describe('runCli', () => {
  it('starts both emulators, prints base URLs, keys and a ready line', async () => {
    const lines: string[] = [];
    const running = await runCli(
      ['--security-check-ms', '0', '--api-key-atoms', 'sk_cli', '--api-key-langdock', 'sk-ld-cli'],
      (line) => lines.push(line),
    );
    try {
      expect(running).toBeDefined();
      expect(lines.at(-1)).toMatch(/ready/);
      expect(lines.join('\n')).toContain(`baseUrl=${running!.atoms.baseUrl} apiKey=sk_cli`);
      expect(lines.join('\n')).toContain(`baseUrl=${running!.langdock.baseUrl} apiKey=sk-ld-cli`);
      const res = await fetch(`${running!.atoms.baseUrl}/agent`, {
        method: 'POST',
        headers: { Authorization: 'Bearer sk_cli', 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'cli' }),
      });
      expect(res.status).toBe(201);
    } finally {
      await running?.close();
    }
  });

  it('prints the usage for --help and starts nothing', async () => {
    const lines: string[] = [];
    expect(await runCli(['--help'], (line) => lines.push(line))).toBeUndefined();
    expect(lines[0]).toMatch(/^Usage: agent-release-emulator/);
  });
});

describe('bin', () => {
  it('runs as a process: prints ready and exits 0 on SIGTERM', async () => {
    // Tests run from source and Node 20 cannot strip types, so transpile src/ to a temp dir
    // with the compiler the workspace already has, then run the real bin.js from there.
    const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
    const outDir = mkdtempSync(join(tmpdir(), 'agent-release-emulator-bin-'));
    try {
      writeFileSync(join(outDir, 'package.json'), '{"type":"module"}');
      // Recursive: vendor folders such as src/retell/ hold modules too.
      for (const file of readdirSync(srcDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
        f.endsWith('.ts'),
      )) {
        mkdirSync(dirname(join(outDir, file)), { recursive: true });
        const { outputText } = ts.transpileModule(readFileSync(join(srcDir, file), 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        });
        writeFileSync(join(outDir, file.replace(/\.ts$/, '.js')), outputText);
      }
      const child = spawn(process.execPath, [join(outDir, 'bin.js'), '--security-check-ms', '100'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += String(chunk);
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          stdout += String(chunk);
          if (stdout.includes('ready')) resolve();
        });
        child.on('exit', () => reject(new Error(`bin exited early: ${stderr}`)));
      });
      const atomsUrl = /atoms +baseUrl=(\S+) apiKey=(\S+)/.exec(stdout);
      expect(atomsUrl).not.toBeNull();
      const res = await fetch(`${atomsUrl![1]}/agent/0123456789abcdef01234567`, {
        headers: { Authorization: `Bearer ${atomsUrl![2]}` },
      });
      expect(res.status).toBe(400);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
