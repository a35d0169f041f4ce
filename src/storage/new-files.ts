// A start that fails leaves no new file behind (SPEC §5). SQLite creates the database file and its
// companions when it opens them; if the server then cannot listen (a busy port), the files this
// start created are removed again. Only those: a database that existed before is never touched.
import { existsSync, rmSync } from 'node:fs';

const SQLITE_FILE_SUFFIXES = ['', '-wal', '-shm', '-journal'];

/** The files of the database at `path` that do not exist yet (none for `:memory:`). */
export function missingDatabaseFiles(path: string): string[] {
  if (path === ':memory:' || path === '') return [];
  return SQLITE_FILE_SUFFIXES.map((suffix) => `${path}${suffix}`).filter((file) => !existsSync(file));
}

/**
 * Removes `files`. Call only while, or right after, this process held the database open with its
 * exclusive lock: then nobody else can have started using a file it created.
 */
export function removeFiles(files: readonly string[]): void {
  for (const file of files) rmSync(file, { force: true });
}
