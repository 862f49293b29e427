/**
 * `bench/results.json` holds the latest figures of every benchmark. A run of a subset
 * (`--only=…`) replaces only the sections it measured: the others, their run counts and their
 * target verdicts stay, and `sections` says which run (start time, quick or not, machine) each
 * section came from.
 */

/** Where a section's figures came from. */
export interface SectionSource {
  startedAt: string;
  quick: boolean;
}

/** The file's shape as far as merging needs it. */
export interface ResultsFile {
  startedAt: string;
  quick: boolean;
  runCounts: Record<string, string>;
  targets: { target: string; measured: string; met: boolean }[];
  sections?: Record<string, SectionSource>;
  [section: string]: unknown;
}

const META = new Set(['startedAt', 'durationS', 'quick', 'machine', 'runCounts', 'targets', 'sections']);

/** The measured sections of a run: every key that is not run metadata and holds a value. */
export function measuredSections(run: ResultsFile): string[] {
  return Object.keys(run).filter((key) => !META.has(key) && run[key] !== undefined);
}

/** `previous` with the sections, run counts and targets of `run` laid over it. */
export function mergeResults(previous: ResultsFile | undefined, run: ResultsFile): ResultsFile {
  const source: SectionSource = { startedAt: run.startedAt, quick: run.quick };
  const sections: Record<string, SectionSource> = { ...(previous?.sections ?? {}) };
  if (previous && !previous.sections) {
    // A file from before merging existed: its sections came from its own run.
    for (const key of measuredSections(previous)) {
      sections[key] = { startedAt: previous.startedAt, quick: previous.quick };
    }
  }
  for (const key of measuredSections(run)) sections[key] = source;
  const measuredNow = new Set(run.targets.map((t) => t.target));
  return {
    ...(previous ?? {}),
    ...Object.fromEntries(Object.entries(run).filter(([, value]) => value !== undefined)),
    startedAt: run.startedAt,
    quick: run.quick,
    runCounts: { ...(previous?.runCounts ?? {}), ...run.runCounts },
    targets: [...(previous?.targets ?? []).filter((t) => !measuredNow.has(t.target)), ...run.targets],
    sections,
  };
}
