// The serialized task list of each workspace, cached until the change feed says it changed. Reads
// (GET /tasks) and the live stream share it, so a list is serialized once per change, not per reader.
import type { ChangeFeed } from './changes.ts';
import { workspaceKey, type WorkspaceRef } from './model.ts';
import type { Store } from './store.ts';

export type Snapshots = ReturnType<typeof createSnapshots>;

export function createSnapshots({ store, changes }: { store: Store; changes: ChangeFeed }) {
  const cache = new Map<string, string>();
  changes.listen((ref) => cache.delete(workspaceKey(ref)));

  return {
    /** The workspace's tasks as a JSON array, ordered by id. */
    tasksJson(ref: WorkspaceRef): string {
      const key = workspaceKey(ref);
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      const tasks = store.listTasks(ref);
      const json = JSON.stringify(tasks);
      // Empty lists are not cached: reading unknown workspaces must not grow memory.
      if (tasks.length > 0) cache.set(key, json);
      return json;
    },
  };
}
