/**
 * Child-process host for the emulators, driven over IPC by `emulator-process.ts`.
 *
 * The CPU and throughput benchmarks must not bill the emulator's work to the client: with both in
 * one process, `process.cpuUsage()` would count the server's JSON handling too and the fleet's
 * client and server would fight for one event loop. Here the emulators get their own process
 * (and, on a 2-core machine, in practice their own core).
 */
import {
  type AtomsEmulator,
  type AtomsEmulatorOptions,
  type LangdockEmulator,
  type LangdockEmulatorOptions,
  startAtomsEmulator,
  startLangdockEmulator,
} from '@agent-release/emulator';

/** What the parent asks the host to start. */
export interface HostOptions {
  atoms?: AtomsEmulatorOptions;
  langdock?: LangdockEmulatorOptions;
}

/** Endpoints of the started emulators. */
export interface HostEndpoints {
  atoms: { baseUrl: string; apiKey: string };
  langdock: { baseUrl: string; apiKey: string };
}

/** Per-agent facts the fleet benchmark checks for duplicates and convergence. */
export interface AgentFacts {
  agentId: string;
  versions: number;
  /** The live prompt (Atoms `singlePromptConfig.prompt`, Langdock `instruction`). */
  livePrompt: string | null;
}

/** Request-log totals of one emulator. */
export interface LogSummary {
  total: number;
  byStatus: Record<string, number>;
}

/** Commands the host understands (request → result). */
export interface HostCommands {
  start: { args: HostOptions; result: HostEndpoints };
  addApiKeys: { args: { atoms: string[]; langdock: string[] }; result: null };
  createAtomsAgents: { args: { count: number; prompt: string }; result: string[] };
  createLangdockAgents: { args: { count: number; prompt: string }; result: string[] };
  clearRequests: { args: Record<string, never>; result: null };
  /** CPU time this host process has used so far (`process.cpuUsage()`), µs. */
  cpuUsage: { args: Record<string, never>; result: { user: number; system: number } };
  summary: {
    args: { atomsAgents: string[]; langdockAgents: string[] };
    result: { atoms: AgentFacts[]; langdock: AgentFacts[]; atomsLog: LogSummary; langdockLog: LogSummary };
  };
  close: { args: Record<string, never>; result: null };
}

export type HostCommand = keyof HostCommands;

interface Message {
  id: number;
  cmd: HostCommand;
  args: unknown;
}

let atoms: AtomsEmulator | undefined;
let langdock: LangdockEmulator | undefined;

function summarise(requests: readonly { status: number | 'dropped' }[]): LogSummary {
  const byStatus: Record<string, number> = {};
  for (const r of requests) byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
  return { total: requests.length, byStatus };
}

async function handle(cmd: HostCommand, args: unknown): Promise<unknown> {
  switch (cmd) {
    case 'start': {
      const options = args as HostOptions;
      atoms = await startAtomsEmulator(options.atoms ?? {});
      langdock = await startLangdockEmulator(options.langdock ?? {});
      return {
        atoms: { baseUrl: atoms.baseUrl, apiKey: atoms.apiKey },
        langdock: { baseUrl: langdock.baseUrl, apiKey: langdock.apiKey },
      } satisfies HostEndpoints;
    }
    case 'addApiKeys': {
      const keys = args as HostCommands['addApiKeys']['args'];
      for (const key of keys.atoms) atoms!.addApiKey(key);
      for (const key of keys.langdock) langdock!.addApiKey(key);
      return null;
    }
    case 'createAtomsAgents': {
      const { count, prompt } = args as HostCommands['createAtomsAgents']['args'];
      return Array.from({ length: count }, (_, i) =>
        atoms!.state.createAgent({ name: `bench-${i}`, prompt }),
      );
    }
    case 'createLangdockAgents': {
      const { count, prompt } = args as HostCommands['createLangdockAgents']['args'];
      return Array.from({ length: count }, (_, i) =>
        langdock!.state.createAgent({ name: `bench-${i}`, instruction: prompt, publish: true }),
      );
    }
    case 'clearRequests':
      atoms?.clearRequests();
      langdock?.clearRequests();
      return null;
    case 'cpuUsage':
      return process.cpuUsage();
    case 'summary': {
      const { atomsAgents, langdockAgents } = args as HostCommands['summary']['args'];
      return {
        atoms: atomsAgents.map((agentId) => ({
          agentId,
          versions: atoms!.state.versions(agentId).length,
          livePrompt: atoms!.state.activeVersion(agentId)?.config.singlePromptConfig?.prompt ?? null,
        })),
        langdock: langdockAgents.map((agentId) => ({
          agentId,
          versions: langdock!.state.versions(agentId).length,
          livePrompt:
            (langdock!.state.activeVersion(agentId)?.config.instruction as string | undefined) ?? null,
        })),
        atomsLog: summarise(atoms!.requests),
        langdockLog: summarise(langdock!.requests),
      };
    }
    case 'close':
      await atoms?.close();
      await langdock?.close();
      return null;
  }
}

process.on('message', (raw: Message) => {
  handle(raw.cmd, raw.args).then(
    (result) => process.send!({ id: raw.id, ok: true, result }),
    (error: unknown) => process.send!({ id: raw.id, ok: false, error: String(error) }),
  );
});
// Orphaned hosts must not outlive the benchmark.
process.on('disconnect', () => process.exit(0));
