import { type AtomsEmulator, startAtomsEmulator } from './atoms/atoms-emulator.js';
import type { AtomsVersioning } from './atoms/v2/atoms-v2-state.js';
import { type LangdockEmulator, startLangdockEmulator } from './langdock/langdock-emulator.js';
import type { LangdockUpdateAnswer } from './langdock/langdock-routes.js';
import { type RetellEmulator, startRetellEmulator } from './retell/retell-emulator.js';

/** Parsed command line of `agent-release-emulator`. */
export interface CliOptions {
  atomsPort?: number;
  langdockPort?: number;
  retellPort?: number;
  securityCheckMs?: number;
  atomsApiKey?: string;
  langdockApiKey?: string;
  retellApiKey?: string;
  latencyMs?: number;
  /** Atoms versioning model: `v1` (default) or `v2` (branch model). */
  versioning?: AtomsVersioning;
  /** Which id the v2 `Branch.openDraftId` holds (see `AtomsEmulatorOptions.openDraftId`). */
  openDraftId?: 'draftId' | '_id';
  /** The v2 stale-edit 409 (see `AtomsEmulatorOptions.draftConflict`). */
  draftConflict?: 'rich' | 'lean';
  /** What the Langdock update answers (see `LangdockEmulatorOptions.updateAnswer`). */
  langdockUpdateAnswer?: LangdockUpdateAnswer;
  help?: boolean;
}

/** The emulators as started by `runCli`. */
export interface RunningEmulators {
  atoms: AtomsEmulator;
  langdock: LangdockEmulator;
  retell: RetellEmulator;
  close(): Promise<void>;
}

export const USAGE = `Usage: agent-release-emulator [options]

Starts the Atoms, Langdock and Retell API emulators on 127.0.0.1.

Options:
  --atoms-port N            port of the Atoms emulator (default: a free port)
  --langdock-port N         port of the Langdock emulator (default: a free port)
  --retell-port N           port of the Retell emulator (default: a free port)
  --security-check-ms N     duration of the Atoms post-publish security check (default 6000)
  --api-key-atoms K         API key the Atoms emulator accepts (default: random)
  --api-key-langdock K      API key the Langdock emulator accepts (default: random)
  --api-key-retell K        API key the Retell emulator accepts (default: random)
  --latency-ms N            latency added to every response (default 0)
  --versioning v1|v2        Atoms versioning model (default v1; v2 = branch model)
  --open-draft-id draftId|_id
                            which id v2 branch.openDraftId holds (default draftId)
  --draft-conflict rich|lean
                            v2 stale-edit 409: DraftConflictError with data.conflict
                            (default rich) or production's lean errors-only form
  --langdock-update-answer agent|bare
                            Langdock update answer: {status, message, agent} showing
                            the draft (default agent) or {status, message} only
  -h, --help                show this help`;

const NUMERIC: Record<string, 'atomsPort' | 'langdockPort' | 'retellPort' | 'securityCheckMs' | 'latencyMs'> =
  {
    '--atoms-port': 'atomsPort',
    '--langdock-port': 'langdockPort',
    '--retell-port': 'retellPort',
    '--security-check-ms': 'securityCheckMs',
    '--latency-ms': 'latencyMs',
  };
const TEXT: Record<
  string,
  | 'atomsApiKey'
  | 'langdockApiKey'
  | 'retellApiKey'
  | 'versioning'
  | 'openDraftId'
  | 'draftConflict'
  | 'langdockUpdateAnswer'
> = {
  '--api-key-atoms': 'atomsApiKey',
  '--api-key-langdock': 'langdockApiKey',
  '--api-key-retell': 'retellApiKey',
  '--versioning': 'versioning',
  '--open-draft-id': 'openDraftId',
  '--draft-conflict': 'draftConflict',
  '--langdock-update-answer': 'langdockUpdateAnswer',
};

/** Parses the flags (`--flag value` or `--flag=value`); throws with a usage hint on bad input. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      options.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const numeric = NUMERIC[flag];
    const text = TEXT[flag];
    if (!numeric && !text) throw new Error(`Unknown option: ${arg}\n\n${USAGE}`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new Error(`Missing value for ${flag}\n\n${USAGE}`);
    if (numeric) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0)
        throw new Error(`${flag} needs a non-negative integer, got "${value}"`);
      options[numeric] = n;
    } else if (text === 'versioning') {
      if (value !== 'v1' && value !== 'v2') throw new Error(`${flag} must be v1 or v2, got "${value}"`);
      options.versioning = value;
    } else if (text === 'openDraftId') {
      if (value !== 'draftId' && value !== '_id')
        throw new Error(`${flag} must be draftId or _id, got "${value}"`);
      options.openDraftId = value;
    } else if (text === 'draftConflict') {
      if (value !== 'rich' && value !== 'lean')
        throw new Error(`${flag} must be rich or lean, got "${value}"`);
      options.draftConflict = value;
    } else if (text === 'langdockUpdateAnswer') {
      if (value !== 'agent' && value !== 'bare')
        throw new Error(`${flag} must be agent or bare, got "${value}"`);
      options.langdockUpdateAnswer = value;
    } else if (text) {
      options[text] = value;
    }
  }
  return options;
}

/**
 * The `agent-release-emulator` command without process concerns: starts both emulators, writes
 * their base URLs and keys and a final `ready` line to `out`. Resolves to undefined for `--help`.
 */
export async function runCli(
  argv: readonly string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<RunningEmulators | undefined> {
  const options = parseCliArgs(argv);
  if (options.help) {
    out(USAGE);
    return undefined;
  }
  const atoms = await startAtomsEmulator({
    port: options.atomsPort,
    apiKey: options.atomsApiKey,
    latencyMs: options.latencyMs,
    securityCheck: { durationMs: options.securityCheckMs },
    versioning: options.versioning,
    openDraftId: options.openDraftId,
    draftConflict: options.draftConflict,
  });
  let langdock: LangdockEmulator;
  try {
    langdock = await startLangdockEmulator({
      port: options.langdockPort,
      apiKey: options.langdockApiKey,
      latencyMs: options.latencyMs,
      updateAnswer: options.langdockUpdateAnswer,
    });
  } catch (error) {
    await atoms.close();
    throw error;
  }
  let retell: RetellEmulator;
  try {
    retell = await startRetellEmulator({
      port: options.retellPort,
      apiKey: options.retellApiKey,
      latencyMs: options.latencyMs,
    });
  } catch (error) {
    await Promise.all([atoms.close(), langdock.close()]);
    throw error;
  }
  out(`atoms     baseUrl=${atoms.baseUrl} apiKey=${atoms.apiKey}`);
  out(`langdock  baseUrl=${langdock.baseUrl} apiKey=${langdock.apiKey}`);
  out(`retell    baseUrl=${retell.baseUrl} apiKey=${retell.apiKey}`);
  out('agent-release emulators ready');
  return {
    atoms,
    langdock,
    retell,
    close: async () => {
      await Promise.all([atoms.close(), langdock.close(), retell.close()]);
    },
  };
}
