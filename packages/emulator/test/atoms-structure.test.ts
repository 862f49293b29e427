import { readdirSync, readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { startAtomsEmulator } from '@agent-release/emulator';
import { describe, expect, it } from 'vitest';
import { client } from './helpers.js';

const SRC = new URL('../src/', import.meta.url);
// Recursive: the sources live in vendor folders (atoms/v1/, atoms/v2/, langdock/, kit/, …).
const sources = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((name) => ({ name: name.split(sep).join('/'), text: readFileSync(new URL(name, SRC), 'utf8') }));

/** The v1 store's files (not its routes, which read the joined state): they must not know the branch model. */
const V1_FILES =
  /^atoms\/(v1\/atoms-v1-(agents|store)|atoms-(records|config|config-checks|security-check|user|responses|request))\.ts$/;
/** An import of the branch model: anything under atoms/v2/, or the state that joins both. */
const V2_IMPORT = /from '[^']*(\/v2\/[\w-]+|\/atoms-state)\.js'/;

describe('emulator structure', () => {
  it('the v1 store depends on nothing of the branch model (one-way: v2 builds on v1)', () => {
    const v1 = sources.filter((s) => V1_FILES.test(s.name));
    expect(v1.map((s) => s.name)).toContain('atoms/v1/atoms-v1-store.ts');
    expect(v1.filter((s) => V2_IMPORT.test(s.text)).map((s) => s.name)).toEqual([]);
  });

  it('no source file is over 400 lines', () => {
    const long = sources.filter((s) => s.text.split('\n').length > 400).map((s) => s.name);
    expect(long).toEqual([]);
  });

  it('v1 records carry no v2 fields, before migration and after a rollback', async () => {
    const atoms = await startAtomsEmulator();
    try {
      const id = atoms.state.createAgent({ name: 'plain v1' });
      const v2Keys = [
        'branch',
        'revisionNumber',
        'sourceDraftId',
        'restoredFromRevisionId',
        'restoredFromLabel',
      ];
      const keysOf = () => Object.keys(atoms.state.versions(id)[0]!);
      for (const key of v2Keys) expect(keysOf()).not.toContain(key);
      atoms.state.migrateToV2(id);
      // The v1 by-id read of a migrated revision is still an AgentVersion.
      const call = client(atoms);
      const read = await call('GET', `/agent/${id}/versions/${atoms.state.activeVersionId(id)}`);
      for (const key of v2Keys) expect(Object.keys(read.body.data.version)).not.toContain(key);
      atoms.state.setMigrationRequired(false);
      for (const key of v2Keys) expect(keysOf()).not.toContain(key);
    } finally {
      await atoms.close();
    }
  });
});
