// The domain vocabulary: task types, statuses, the public Task shape and workspace identity.
// Nothing here knows about HTTP or SQLite.

export const TASK_TYPES = ['gx.tiny', 'gx.micro', 'gx.small', 'gx.medium', 'gx.large', 'gx.heavy'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** `failed` appears only where a fault profile sets tasks.failRate (§11). */
export const TASK_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Upper bound (exclusive) of a task's run time at TIME_SCALE 1, in milliseconds. */
export const BASE_DURATION_MS: Record<TaskType, number> = {
  'gx.tiny': 3_000,
  'gx.micro': 5_000,
  'gx.small': 10_000,
  'gx.medium': 30_000,
  'gx.large': 120_000,
  'gx.heavy': 300_000,
};

/** A task is never started sooner than this after creation, so every client sees `queued`. */
export const MIN_QUEUED_MS = 1_000;
/** A workspace starts at most one task per this interval (the original's pacing). */
export const START_PACING_MS = 100;

export const MAX_NAME_LENGTH = 200;
export const WORKSPACE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const DEFAULT_WORKSPACE_ID = 'default';

/** The live stream's path (SPEC §3). */
export const STREAM_PATH = '/ws/tasks';
/** Every JSON answer's content type. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface Task {
  id: number;
  name: string;
  type: TaskType;
  status: TaskStatus;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** Why a `failed` task failed; present on failed tasks only. */
  failure?: string;
}

/** A workspace belongs to one API key; only the key's hash is ever kept. */
export interface WorkspaceRef {
  keyHash: string;
  workspaceId: string;
}

/**
 * The last workspace keyed, kept: one request asks for the key of the same ref a dozen times (its
 * caches, counts, clocks and listeners), and a fresh 70-character string hashed by each Map cost
 * 200 ns a lookup where a kept one costs 55 (in-process). Both fields are compared as well, so a
 * ref changed in place is never given its old key.
 */
let lastRef: WorkspaceRef | undefined;
let lastKeyHash = '';
let lastWorkspaceId = '';
let lastKey = '';

export function workspaceKey(ref: WorkspaceRef): string {
  if (ref !== lastRef || ref.keyHash !== lastKeyHash || ref.workspaceId !== lastWorkspaceId) {
    lastRef = ref;
    lastKeyHash = ref.keyHash;
    lastWorkspaceId = ref.workspaceId;
    lastKey = `${ref.keyHash}/${ref.workspaceId}`;
  }
  return lastKey;
}

export function isTaskType(value: unknown): value is TaskType {
  return typeof value === 'string' && (TASK_TYPES as readonly string[]).includes(value);
}
