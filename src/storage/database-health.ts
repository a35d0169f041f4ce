// Whether the database needs a human: set when the scheduler had to give up on a workspace whose
// rows threw or contradicted each other (a damaged file). The server keeps serving every other
// workspace; /health and /stats say so, and `taskmock check --db FILE` tells what SQLite found.
import { Database } from 'bun:sqlite';
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';

export function createDatabaseHealth() {
  const broken = new Set<string>();
  return {
    workspaceBroken(ref: WorkspaceRef): void {
      broken.add(workspaceKey(ref));
    },
    /** Workspaces no longer scheduled because of the database. */
    brokenWorkspaces: (): number => broken.size,
  };
}

/**
 * SQLite's own integrity check of a file, made read-only by `query_only`; `ok` only when it found
 * nothing. Not opened `readonly`: on a read-only connection the check skips CHECK constraints,
 * and a status that is no status at all (`runnin_`) then passes as ok.
 */
export function checkDatabaseFile(path: string): { ok: boolean; report: string[] } {
  let db: Database;
  try {
    db = new Database(path, { readwrite: true, create: false });
    db.run('PRAGMA query_only = 1');
  } catch (error) {
    return { ok: false, report: [`cannot open ${path}: ${(error as Error).message}`] };
  }
  try {
    const rows = db.query<{ integrity_check: string }, []>('PRAGMA integrity_check').all();
    const report = rows.map((row) => row.integrity_check);
    return { ok: report.length === 1 && report[0] === 'ok', report };
  } catch (error) {
    return { ok: false, report: [`cannot check ${path}: ${(error as Error).message}`] };
  } finally {
    db.close();
  }
}
