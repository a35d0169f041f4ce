// The /metrics document: every family in a fixed order, counters read from `Metrics`, gauges
// asked of their owners now. Names follow Prometheus' conventions (base units, `_total` for
// counters, `_seconds` for durations); the two process families keep their usual names so
// stock dashboards find them.
import { TASK_STATUSES } from '../domain/model.ts';
import type { StatusTotals } from '../storage/status-totals.ts';
import { Exposition } from './exposition.ts';
import type { Metrics } from './metrics.ts';

/** What is read at scrape time. */
export interface ScrapeSources {
  version: string;
  openSockets: () => number;
  tasksByStatus: () => StatusTotals;
  scheduledWorkspaces: () => number;
  /** Events the journal holds, all keys together; absent without ADMIN_KEY (no journal). */
  journalSize?: () => number;
}

function writeRequests(out: Exposition, metrics: Metrics): void {
  const routes = metrics.http.all();
  out.family('taskmock_http_requests_total', 'counter', 'HTTP requests answered, by method, route pattern and status.');
  for (const stats of routes) {
    const statuses = [...stats.byStatus.keys()].sort((a, b) => a - b);
    for (const status of statuses)
      out.sample('taskmock_http_requests_total', stats.byStatus.get(status)!, {
        method: stats.method,
        route: stats.route,
        status: String(status),
      });
  }
  out.family('taskmock_http_request_duration_seconds', 'histogram', 'Time to answer an HTTP request, by method and route.');
  for (const stats of routes)
    out.histogram('taskmock_http_request_duration_seconds', stats.latency, { method: stats.method, route: stats.route });
}

function writeTasks(out: Exposition, metrics: Metrics, sources: ScrapeSources): void {
  const totals = sources.tasksByStatus();
  out.family('taskmock_tasks', 'gauge', 'Tasks held now, every workspace together, by status.');
  for (const status of TASK_STATUSES) out.sample('taskmock_tasks', totals[status], { status });
  out.family('taskmock_task_transitions_total', 'counter', 'Task changes committed, by kind (fixtures count as their status).');
  for (const [kind, count] of metrics.transitions) out.sample('taskmock_task_transitions_total', count, { kind });
  out.family('taskmock_scheduled_workspaces', 'gauge', 'Workspaces with a task queued or running.');
  out.sample('taskmock_scheduled_workspaces', sources.scheduledWorkspaces());
}

function writeStorage(out: Exposition, metrics: Metrics, sources: ScrapeSources): void {
  out.family('taskmock_commit_duration_seconds', 'histogram', 'Time of each group COMMIT to SQLite.');
  out.histogram('taskmock_commit_duration_seconds', metrics.commits);
  out.family('taskmock_commit_rollbacks_total', 'counter', 'Group commits that failed and were rolled back.');
  out.sample('taskmock_commit_rollbacks_total', metrics.totals.rollbacks);
  if (!sources.journalSize) return;
  out.family('taskmock_journal_events', 'gauge', 'Events the hosted-mode journal holds, every key together.');
  out.sample('taskmock_journal_events', sources.journalSize());
}

export function scrape(metrics: Metrics, sources: ScrapeSources): string {
  const out = new Exposition();
  out.family('taskmock_build_info', 'gauge', 'Always 1; the version of this server.').sample('taskmock_build_info', 1, {
    version: sources.version,
  });
  writeRequests(out, metrics);
  out.family('taskmock_websocket_connections', 'gauge', 'WebSockets open on the live stream now.');
  out.sample('taskmock_websocket_connections', sources.openSockets());
  out.family('taskmock_websocket_connections_opened_total', 'counter', 'WebSockets of the live stream opened since start.');
  out.sample('taskmock_websocket_connections_opened_total', metrics.totals.socketsOpened);
  writeTasks(out, metrics, sources);
  writeStorage(out, metrics, sources);
  out.family('process_start_time_seconds', 'gauge', 'Start time of the process, in seconds since the Unix epoch.');
  // Real time whatever clock the server runs on: the process began when the runtime did.
  out.sample('process_start_time_seconds', Math.floor(performance.timeOrigin) / 1000);
  out.family('process_resident_memory_bytes', 'gauge', 'Resident memory of the process, in bytes.');
  out.sample('process_resident_memory_bytes', process.memoryUsage.rss());
  return out.text();
}
