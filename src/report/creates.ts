// Duplicate creates: a `POST /tasks` whose task has the same name and type as one created in the
// same workspace less than a second before (a double click, a retry of a create that had worked).
import type { JournalEvent, TaskEvent } from '../journal/events.ts';
import { byWorkspace, evidenceOf } from './stats.ts';
import type { CountFigures } from './types.ts';

export const DUPLICATE_WINDOW_MS = 1_000;

/**
 * Tasks created by `POST /tasks`: the request is recorded once its answer is out, after its task's
 * `created` event, so a created task whose next request event is a 200 `POST /tasks` came from one
 * (fixtures, from `POST /control/tasks`, do not count).
 */
function createdByPost(group: readonly JournalEvent[]): TaskEvent[] {
  const created: TaskEvent[] = [];
  let waiting: TaskEvent[] = [];
  for (const event of group) {
    if (event.kind === 'task' && event.transition === 'created') waiting.push(event);
    if (event.kind !== 'request' || waiting.length === 0) continue;
    if (event.method === 'POST' && event.path === '/tasks' && event.status === 200) created.push(waiting.shift()!);
    else if (event.path.startsWith('/control')) waiting = [];
  }
  return created;
}

export function duplicateCreates(events: readonly JournalEvent[], cap: number): CountFigures {
  const ids: number[] = [];
  let count = 0;
  for (const group of byWorkspace(events).values()) {
    const lastSeen = new Map<string, TaskEvent>();
    for (const task of createdByPost(group)) {
      const identity = `${task.type} ${task.name}`;
      const previous = lastSeen.get(identity);
      if (previous && task.at - previous.at < DUPLICATE_WINDOW_MS) {
        count++;
        ids.push(previous.id, task.id);
      }
      lastSeen.set(identity, task);
    }
  }
  return { count, evidence: evidenceOf(ids, cap) };
}
