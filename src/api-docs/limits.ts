// The limits and pacing this server was started with, as the docs show them: a candidate learns
// from the running server what it will meet (SPEC §7), not the defaults of some other server.
import type { Config } from '../config/config.ts';
import { BASE_DURATION_MS, MAX_NAME_LENGTH, MIN_QUEUED_MS, START_PACING_MS, TASK_TYPES } from '../domain/model.ts';
import { MAX_BODY_BYTES } from '../http/create-body.ts';

export interface Limit {
  what: string;
  value: string;
  /** The setting that changes it, or how it is derived. */
  setting: string;
}

/** `1.5 s`, `300 ms`, `2 min`: three significant digits at most. */
export function formatDuration(ms: number): string {
  const round = (value: number) => String(Number(value.toPrecision(3)));
  if (ms < 1000) return `${round(ms)} ms`;
  if (ms < 60_000) return `${round(ms / 1000)} s`;
  return `${round(ms / 60_000)} min`;
}

export function limitsInForce(config: Config): Limit[] {
  const scale = config.timeScale;
  return [
    {
      what: 'Tasks running at once, per workspace',
      value: String(config.maxRunningWorkspaceTasks),
      setting: '`MAX_RUNNING_WORKSPACE_TASKS`',
    },
    {
      what: 'Start pacing: a workspace starts at most one task every',
      value: formatDuration(START_PACING_MS / scale),
      setting: '100 ms ÷ `TIME_SCALE`',
    },
    {
      what: 'Time a new task stays queued, at least',
      value: formatDuration(MIN_QUEUED_MS / scale),
      setting: '1 s ÷ `TIME_SCALE`',
    },
    { what: 'Time scale (every duration and delay is divided by it)', value: String(scale), setting: '`TIME_SCALE`' },
    { what: 'Workspaces per API key', value: String(config.maxWorkspaces), setting: '`MAX_WORKSPACES`' },
    {
      what: 'Open WebSockets per workspace',
      value: String(config.maxWorkspaceConnections),
      setting: '`MAX_WORKSPACE_CONNECTIONS`',
    },
    { what: 'Tasks held per workspace', value: String(config.maxWorkspaceTasks), setting: '`MAX_WORKSPACE_TASKS`' },
    {
      what: 'Stream resend tick (`list` format)',
      value: config.streamResendMs === 0 ? 'off' : `every ${formatDuration(config.streamResendMs)}`,
      setting: '`STREAM_RESEND_MS` (real time, not scaled)',
    },
    { what: 'Task name', value: `${MAX_NAME_LENGTH} characters after trimming`, setting: 'fixed' },
    { what: 'Request body', value: `${MAX_BODY_BYTES / 1024} KiB`, setting: 'fixed' },
  ];
}

/** Each type's longest run at this server's time scale (a run is uniform in [0, that)). */
export function durationsInForce(config: Config): string {
  return TASK_TYPES.map((type) => `\`${type}\` ${formatDuration(BASE_DURATION_MS[type] / config.timeScale)}`).join(', ');
}

export function limitsMarkdown(config: Config): string {
  const rows = limitsInForce(config).map(({ what, value, setting }) => `| ${what} | **${value}** | ${setting} |`);
  return ['| Limit or pacing | On this server | Set by |', '|---|---|---|', ...rows].join('\n');
}
