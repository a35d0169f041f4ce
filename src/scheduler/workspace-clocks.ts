// Each workspace's own time (SPEC §10): real time plus a stored offset, frozen while paused, with an
// optional time scale of its own. Clock states are read from the store once and then remembered
// (bounded, like the workspace ids), so a create pays a map lookup for its `createdAt`, not a query.
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import type { ClockState } from '../storage/control-writes.ts';
import type { Store } from '../storage/store.ts';
import type { Clock } from './clock.ts';

const MAX_REMEMBERED_CLOCKS = 10_000;

export type WorkspaceClocks = ReturnType<typeof createWorkspaceClocks>;

export function createWorkspaceClocks({ store, clock, timeScale }: { store: Store; clock: Clock; timeScale: number }) {
  const states = new Map<string, ClockState>();

  const remember = (key: string, state: ClockState): void => {
    states.delete(key);
    states.set(key, state);
    if (states.size > MAX_REMEMBERED_CLOCKS) states.delete(states.keys().next().value!);
  };

  const state = (ref: WorkspaceRef): ClockState => {
    const key = workspaceKey(ref);
    const known = states.get(key);
    if (known !== undefined) return known;
    const loaded = store.clockOf(ref);
    remember(key, loaded);
    return loaded;
  };

  const now = (ref: WorkspaceRef): number => {
    const current = state(ref);
    return current.pausedAt ?? clock.now() + current.offsetMs;
  };

  /** Stores a new state (in the turn's group commit) and remembers it. */
  const save = (ref: WorkspaceRef, next: ClockState): void => {
    store.setClock(ref, next);
    remember(workspaceKey(ref), next);
  };

  return {
    state,
    now,
    isPaused: (ref: WorkspaceRef): boolean => state(ref).pausedAt !== null,
    timeScale: (ref: WorkspaceRef): number => state(ref).timeScale ?? timeScale,

    /** The real time at which the workspace's clock shows `at`, or null while it is paused. */
    toReal(ref: WorkspaceRef, at: number): number | null {
      const current = state(ref);
      return current.pausedAt === null ? at - current.offsetMs : null;
    },

    /** Sets the workspace's time to `at`, paused or running as it was. */
    moveTo(ref: WorkspaceRef, at: number): void {
      const current = state(ref);
      save(ref, current.pausedAt === null ? { ...current, offsetMs: at - clock.now() } : { ...current, pausedAt: at });
    },

    pause(ref: WorkspaceRef): void {
      const current = state(ref);
      if (current.pausedAt === null) save(ref, { ...current, pausedAt: now(ref) });
    },

    resume(ref: WorkspaceRef): void {
      const current = state(ref);
      if (current.pausedAt !== null) save(ref, { ...current, offsetMs: current.pausedAt - clock.now(), pausedAt: null });
    },

    setTimeScale(ref: WorkspaceRef, scale: number | null): void {
      save(ref, { ...state(ref), timeScale: scale });
    },

    /** After a reset wrote the real clock back: remember it without another write. */
    forget(ref: WorkspaceRef): void {
      states.delete(workspaceKey(ref));
    },

    /** Forgets every state (after a rolled-back commit). */
    clear: (): void => states.clear(),
  };
}
