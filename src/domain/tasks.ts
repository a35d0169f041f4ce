// The task service: what a client can do to a workspace. Validates domain rules, commits through
// the store, then tells the scheduler and announces the change. Knows nothing of HTTP.
import type { ChangeFeed } from './changes.ts';
import type { Clock } from '../scheduler/clock.ts';
import { errors } from './errors.ts';
import { isTaskType, MAX_NAME_LENGTH, type Task, type WorkspaceRef } from './model.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { Store } from '../storage/store.ts';
import type { Workspaces } from './workspaces.ts';

export interface TaskServiceOptions {
  store: Store;
  scheduler: Scheduler;
  workspaces: Workspaces;
  changes: ChangeFeed;
  clock: Clock;
  maxWorkspaceTasks: number;
}

export type TaskService = ReturnType<typeof createTaskService>;

export function createTaskService({ store, scheduler, workspaces, changes, clock, maxWorkspaceTasks }: TaskServiceOptions) {
  function changed(ref: WorkspaceRef): void {
    scheduler.workspaceChanged(ref);
    changes.announce(ref);
  }

  return {
    list: (ref: WorkspaceRef): Task[] => store.listTasks(ref),

    /**
     * Resolves once every change made so far is committed. Answer a write only after it, and a
     * read too while writes are pending, so that no client sees what a crash could still undo.
     */
    committed: (): Promise<void> => store.committed(),
    hasPendingWrites: (): boolean => store.hasPendingWrites(),

    create(ref: WorkspaceRef, input: { name: unknown; type: unknown }): Task {
      const name = typeof input.name === 'string' ? input.name.trim() : '';
      if (name === '') throw errors.nameRequired();
      if (name.length > MAX_NAME_LENGTH) throw errors.nameTooLong(MAX_NAME_LENGTH);
      if (!isTaskType(input.type)) throw errors.invalidTaskType();
      workspaces.assertCanUse(ref);
      if (store.countTasks(ref) >= maxWorkspaceTasks) throw errors.tooManyTasks();
      const task = store.createTask(ref, name, input.type, clock.now());
      scheduler.taskQueued(ref);
      changes.announce(ref);
      return task;
    },

    /** Deletes a task that is still queued; 404 once it is running or gone. */
    delete(ref: WorkspaceRef, id: number): void {
      if (!store.deleteQueuedTask(ref, id)) throw errors.taskNotFound();
      changed(ref);
    },

    /** Removes every running and completed task; running ones are cancelled and free their slots. */
    flush(ref: WorkspaceRef): void {
      if (store.flushDispatched(ref) > 0) changed(ref);
    },
  };
}
