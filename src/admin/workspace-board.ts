// What the admin page shows of a key's workspaces (SPEC §13): the list with counts, clock and
// faults, and one workspace's tasks, also as a blocking read. No HTTP here. The admin never holds
// the key's secret (issued secrets are not stored), so workspaces are found by the key's name; the
// clock and fault controls are the very services /control calls, so they behave identically.
import type { ControlService } from '../control/control-service.ts';
import { ApiError, errors } from '../domain/errors.ts';
import type { KeyRing } from '../domain/keys.ts';
import { type Task, TASK_STATUSES, type TaskStatus, WORKSPACE_ID_PATTERN, type WorkspaceRef } from '../domain/model.ts';
import type { TaskService } from '../domain/tasks.ts';
import type { Workspaces } from '../domain/workspaces.ts';
import type { Faults } from '../faults/faults.ts';
import type { Store } from '../storage/store.ts';

export const workspaceNotFound = () => new ApiError(404, 'workspace_not_found', 'workspace not found');

export interface WorkspaceBoardOptions {
  keyRing: KeyRing;
  store: Store;
  workspaces: Workspaces;
  service: TaskService;
  control: ControlService;
  faults: Faults;
}

export type WorkspaceBoard = ReturnType<typeof createWorkspaceBoard>;

function countByStatus(tasks: readonly Task[]): Record<TaskStatus, number> {
  const counts = Object.fromEntries(TASK_STATUSES.map((status) => [status, 0])) as Record<TaskStatus, number>;
  for (const task of tasks) counts[task.status]++;
  return counts;
}

export function createWorkspaceBoard({ keyRing, store, workspaces, service, control, faults }: WorkspaceBoardOptions) {
  const identityOf = (name: string): string => {
    const record = keyRing.get(name);
    if (!record) throw errors.keyNotFound();
    return record.identity;
  };

  /** Every workspace with a row (it held tasks or a clock once) or an open socket, by id. */
  const idsOf = (keyHash: string): string[] =>
    [...new Set([...store.workspaceIdsOfKey(keyHash), ...workspaces.connectedIdsOf(keyHash)])].sort();

  /** The key's workspace `workspaceId`: 404 for an unknown key, 400 for a bad id, 404 for one it never used. */
  function workspaceOf(name: string, workspaceId: string): WorkspaceRef {
    const keyHash = identityOf(name);
    if (!WORKSPACE_ID_PATTERN.test(workspaceId)) throw errors.invalidWorkspaceId();
    const ref = { keyHash, workspaceId };
    if (store.version(ref) === 0 && workspaces.connectionCount(ref) === 0) throw workspaceNotFound();
    return ref;
  }

  /** The tasks, version and clock; with `index`, once the version is not `index` any more (or after `waitMs`). */
  async function tasksOf(ref: WorkspaceRef, blocking?: { index: number; waitMs: number }) {
    const listed = blocking ? await service.listedAfter(ref, blocking.index, blocking.waitMs) : await service.listed(ref);
    const clock = await control.clock(ref);
    return { tasks: JSON.parse(listed.json) as Task[], version: listed.version, clock };
  }

  async function summaryOf(ref: WorkspaceRef) {
    const { tasks, version, clock } = await tasksOf(ref);
    return {
      id: ref.workspaceId,
      version,
      tasks: tasks.length,
      byStatus: countByStatus(tasks),
      sockets: workspaces.connectionCount(ref),
      clock,
      faults: faults.resolver.inForce(ref),
    };
  }

  return {
    workspaceOf,
    tasksOf,

    /** The key's workspaces, by id, each with its counts, clock and the faults in force. */
    async list(name: string) {
      const keyHash = identityOf(name);
      const summaries = [];
      for (const workspaceId of idsOf(keyHash)) summaries.push(await summaryOf({ keyHash, workspaceId }));
      return { workspaces: summaries };
    },
  };
}
