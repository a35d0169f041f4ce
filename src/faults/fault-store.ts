// Workspaces' own fault profiles in SQLite, so a profile set with PUT /control/faults survives a
// restart. Writes join the turn's group commit; the routes answer once it is committed.
import type { Database } from 'bun:sqlite';
import type { WorkspaceRef } from '../domain/model.ts';
import type { CommitBatch } from '../storage/commit-batch.ts';
import { isPresetName, type NamedProfile } from './presets.ts';
import { validateProfile } from './profile.ts';

interface Row {
  key_hash: string;
  workspace_id: string;
  preset: string | null;
  profile: string;
}

export function createFaultStore(db: Database, batch: CommitBatch) {
  const all = db.query<Row, []>('SELECT key_hash, workspace_id, preset, profile FROM workspace_faults');
  const save = db.query(
    `INSERT INTO workspace_faults (key_hash, workspace_id, preset, profile) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (key_hash, workspace_id) DO UPDATE SET preset = excluded.preset, profile = excluded.profile`,
  );
  const remove = db.query('DELETE FROM workspace_faults WHERE key_hash = ?1 AND workspace_id = ?2');
  const removeOfKey = db.query('DELETE FROM workspace_faults WHERE key_hash = ?1');

  return {
    /** Every stored profile; rows written by this program, so validated again only as a guard. */
    load(): { ref: WorkspaceRef; named: NamedProfile }[] {
      return all.all().map((row) => ({
        ref: { keyHash: row.key_hash, workspaceId: row.workspace_id },
        named: {
          ...(isPresetName(row.preset) ? { preset: row.preset } : {}),
          profile: validateProfile(JSON.parse(row.profile)),
        },
      }));
    },
    save(ref: WorkspaceRef, named: NamedProfile): void {
      batch.write(() => save.run(ref.keyHash, ref.workspaceId, named.preset ?? null, JSON.stringify(named.profile)));
    },
    remove(ref: WorkspaceRef): void {
      batch.write(() => remove.run(ref.keyHash, ref.workspaceId));
    },
    removeOfKey(keyHash: string): void {
      batch.write(() => removeOfKey.run(keyHash));
    },
  };
}
