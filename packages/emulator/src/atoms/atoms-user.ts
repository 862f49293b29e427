/** The (only) user every Atoms request acts as. */
export const EMULATOR_USER = { id: '65f000000000000000000001', name: 'Emulator User' } as const;

/** An ISO timestamp, or null. */
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
