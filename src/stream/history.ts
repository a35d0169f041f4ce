// Recent changes of each workspace, so a `patch` socket that reconnects with `?since=N` gets only
// what it missed (SPEC §12). Fed by the change feed (after COMMIT). Bounded twice: the last
// MAX_CHANGES_PER_WORKSPACE changes of a workspace, and at most MAX_CHANGES_HELD in all (the least
// recently changed workspaces lose theirs first). In memory only: after a restart, or once a
// workspace's changes are dropped, a resume older than what is held gets a full snapshot instead.
//
// Each change is held as its JSON text, not as objects: held objects made up most of the heap
// (300,000 of 382,000 objects with 10,000 workspaces of three changes each), and every garbage
// collection walks them all, during load and in the idle seconds after it (docs/performance.md).
// A resume, which is rare, parses what it needs.
//
// And once the changes stop for a while, each workspace's held changes are packed into one string
// (`packed`): with 10,000 idle workspaces the arrays and texts still made idle garbage collections
// walk six cells per workspace, the whole difference the bench's idle row measured against an
// empty server (docs/performance.md). A workspace that changes again is unpacked first.
import type { ChangeFeed, TaskChange, WorkspaceChange } from '../domain/changes.ts';
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import { coalesce } from './formats.ts';

export const MAX_CHANGES_PER_WORKSPACE = 1000;
export const MAX_CHANGES_HELD = 250_000;

/** A workspace's held changes, oldest first: `texts[i]` is the JSON of the changes of `versions[i]`. */
interface Held {
  versions: number[];
  texts: string[];
  /** When the last of them was recorded (performance.now()). */
  changedAt: number;
}

/** Packed: `count` then one line per change, `version\tJSON` (JSON text holds no raw newline). */
type Packed = string;

/** How long the changes must have stopped before held ones are packed. */
export const PACK_AFTER_QUIET_MS = 1_000;

/** One flat string (a single `join`: concatenating would leave a rope of cells behind). */
function pack({ versions, texts }: Held): Packed {
  const lines = [String(versions.length)];
  for (let i = 0; i < versions.length; i++) lines.push(`${versions[i]}\t${texts[i]}`);
  return lines.join('\n');
}

function unpack(packed: Packed): Held {
  const held: Held = { versions: [], texts: [], changedAt: 0 };
  const lines = packed.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const tab = lines[i]!.indexOf('\t');
    held.versions.push(Number(lines[i]!.slice(0, tab)));
    held.texts.push(lines[i]!.slice(tab + 1));
  }
  return held;
}

const countOf = (entry: Held | Packed): number =>
  typeof entry === 'string' ? Number(entry.slice(0, entry.indexOf('\n'))) : entry.versions.length;

export type ChangeHistory = ReturnType<typeof createChangeHistory>;

export function createChangeHistory(
  { changes }: { changes: ChangeFeed },
  limits: { perWorkspace: number; total: number; quietMs?: number } = {
    perWorkspace: MAX_CHANGES_PER_WORKSPACE,
    total: MAX_CHANGES_HELD,
  },
) {
  /** Per workspace, oldest first; the Map's order is least recently changed first. */
  const held = new Map<string, Held | Packed>();
  /** Workspaces whose held changes are not packed yet. */
  const unpacked = new Set<string>();
  const quietMs = limits.quietMs ?? PACK_AFTER_QUIET_MS;
  let total = 0;
  /** Whether a packing pass is due (its timer is unref'd: it never keeps a stopping server up). */
  let packing = false;

  function schedulePacking(): void {
    packing = true;
    setTimeout(packQuiet, quietMs).unref();
  }

  /** Packs each workspace quiet for `quietMs`; runs while some are not packed. */
  function packQuiet(): void {
    packing = false;
    const now = performance.now();
    for (const key of unpacked) {
      const entry = held.get(key);
      if (entry === undefined || typeof entry === 'string') unpacked.delete(key);
      else if (now - entry.changedAt >= quietMs) {
        held.set(key, pack(entry));
        unpacked.delete(key);
      }
    }
    if (unpacked.size > 0) schedulePacking();
  }

  function record({ ref, version, changes: taskChanges }: WorkspaceChange): void {
    const key = workspaceKey(ref);
    const found = held.get(key);
    const entries: Held =
      found === undefined ? { versions: [], texts: [], changedAt: 0 } : typeof found === 'string' ? unpack(found) : found;
    held.delete(key);
    held.set(key, entries);
    entries.changedAt = performance.now();
    unpacked.add(key);
    if (!packing) schedulePacking();
    entries.versions.push(version);
    entries.texts.push(JSON.stringify(taskChanges));
    total++;
    const count = entries.versions.length;
    // Dropped in slices, not one by one: shifting a 1,000-entry array on every change costs more.
    if (count >= limits.perWorkspace + 64 || (count > limits.perWorkspace && total > limits.total)) {
      const excess = count - limits.perWorkspace;
      entries.versions.splice(0, excess);
      entries.texts.splice(0, excess);
      total -= excess;
    }
    for (const [oldest, dropped] of held) {
      if (total <= limits.total || oldest === key) break;
      held.delete(oldest);
      unpacked.delete(oldest);
      total -= countOf(dropped);
    }
  }

  changes.listen(record);

  return {
    /**
     * Every change after version `since` up to `current`, folded into one per task, or undefined
     * when they are not all held any more (the caller sends a full snapshot then).
     */
    changesSince(ref: WorkspaceRef, since: number, current: number): TaskChange[] | undefined {
      const found = held.get(workspaceKey(ref));
      if (found === undefined || since >= current) return undefined;
      const { versions, texts } = typeof found === 'string' ? unpack(found) : found;
      if (versions.length === 0) return undefined;
      const first = versions.findIndex((version) => version > since);
      // The oldest held change must be the very next one after `since`: otherwise there is a gap.
      if (first === -1 || versions[first] !== since + 1 || versions.at(-1) !== current) return undefined;
      const folded = new Map<number, TaskChange>();
      for (let i = first; i < texts.length; i++) coalesce(JSON.parse(texts[i]!) as TaskChange[], folded);
      return [...folded.values()];
    },

    /** Changes held right now (for tests). */
    heldCount: (): number => total,

    /** Workspaces whose held changes are packed into one string right now (for tests). */
    packedCount: (): number => [...held.values()].filter((entry) => typeof entry === 'string').length,
  };
}
