// The task service: what a client can do to a workspace. Validates domain rules, writes through
// the store (which versions and announces each change) and tells the scheduler. Every function is durable by
// construction: a write resolves only after its COMMIT, and a read never sees uncommitted writes,
// so a route cannot answer what a crash could still undo. Errors are the contract's error values
// (errors.ts); mapping them to a response is the HTTP layer's job.
import type { CommitBatch } from '../storage/commit-batch.ts';
import type { ListedSnapshot, Snapshots } from '../storage/snapshots.ts';
import type { Store } from '../storage/store.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { WorkspaceClocks } from '../scheduler/workspace-clocks.ts';
import type { BlockingReads } from './blocking-reads.ts';
import { errors } from './errors.ts';
import { isTaskType, MAX_NAME_LENGTH, type Task, type TaskType, type WorkspaceRef } from './model.ts';
import type { Workspaces } from './workspaces.ts';

export interface TaskServiceOptions {
  store: Store;
  batch: CommitBatch;
  snapshots: Snapshots;
  scheduler: Scheduler;
  workspaces: Workspaces;
  blockingReads: BlockingReads;
  /** Tasks are stamped in their workspace's own time (SPEC §10). */
  clocks: WorkspaceClocks;
  /** The task limit per workspace of the key with this identity. */
  maxWorkspaceTasksFor: (keyHash: string) => number;
}

export type TaskService = ReturnType<typeof createTaskService>;

/** A create's fields once checked: the name trimmed, the type one of TASK_TYPES. */
export interface NewTask {
  name: string;
  type: TaskType;
}

/** Checks a create's fields in the original's order: name present, then type, then name length. */
export function readNewTask(input: { name: unknown; type: unknown }): NewTask {
  // A lone surrogate (`"x\ud800y"`) cannot be stored as UTF-8; SQLite would turn it into U+FFFD
  // behind our back. Doing it here first makes the answer equal what is stored and listed.
  const name = typeof input.name === 'string' ? input.name.toWellFormed().trim() : '';
  if (name === '') throw errors.nameRequired();
  if (!isTaskType(input.type)) throw errors.invalidTaskType();
  if (name.length > MAX_NAME_LENGTH) throw errors.nameTooLong(MAX_NAME_LENGTH);
  return { name, type: input.type };
}

export function createTaskService(options: TaskServiceOptions) {
  const { store, batch, snapshots, scheduler, workspaces, blockingReads, clocks, maxWorkspaceTasksFor } = options;

  /** Resolves to `value` once every write made so far is committed. */
  const durable = async <T>(value: T): Promise<T> => {
    await batch.committed();
    return value;
  };

  /**
   * Runs `read` when no transaction is open: at once, or once this turn's transaction has committed
   * or rolled back. A reader never sees rows a failed COMMIT takes back, and never fails with it.
   */
  const readCommitted = <T>(read: () => T): T | Promise<T> => {
    if (!batch.hasPendingWrites()) return read();
    return new Promise<T>((resolve, reject) =>
      batch.afterSettle(() => {
        try {
          resolve(read());
        } catch (error) {
          reject(error);
        }
      }),
    );
  };

  /** The GET /tasks answer (body, version, ETag); read once this turn's writes settled. */
  const listed = (ref: WorkspaceRef): ListedSnapshot | Promise<ListedSnapshot> => readCommitted(() => snapshots.listed(ref));

  return {
    listed,

    /**
     * A blocking read: the answer at once when the version is not `index`, otherwise once the
     * workspace changes (after COMMIT), after `waitMs`, or at shutdown, whichever comes first.
     */
    async listedAfter(ref: WorkspaceRef, index: number, waitMs: number): Promise<ListedSnapshot> {
      const current = await listed(ref);
      // Same turn as the read: no commit can run between it and parking.
      if (current.version !== index) return current;
      await blockingReads.park(ref, waitMs);
      return listed(ref);
    },

    list: async (ref: WorkspaceRef): Promise<Task[]> => readCommitted(() => store.listTasks(ref)),

    create(ref: WorkspaceRef, input: { name: unknown; type: unknown }): Promise<Task> {
      const { name, type } = readNewTask(input);
      workspaces.assertCanUse(ref);
      if (store.countTasks(ref) >= maxWorkspaceTasksFor(ref.keyHash)) throw errors.tooManyTasks();
      const task = store.createTask(ref, name, type, clocks.now(ref));
      scheduler.taskQueued(ref);
      return durable(task);
    },

    /** Deletes a task that is still queued; 404 once it is running or gone. */
    delete(ref: WorkspaceRef, id: number): Promise<void> {
      if (!store.deleteQueuedTask(ref, id)) throw errors.taskNotFound();
      scheduler.workspaceChanged(ref);
      return durable(undefined);
    },

    /** Removes every running and completed task; running ones are cancelled and free their slots. */
    flush(ref: WorkspaceRef): Promise<void> {
      if (store.flushDispatched(ref) > 0) scheduler.workspaceChanged(ref);
      return durable(undefined);
    },
  };
}
