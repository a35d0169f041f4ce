// Tasks by status over every workspace, for /metrics: one GROUP BY at scrape time rather than
// counts kept on every write (a scrape comes every few seconds; writes come thousands a second).
// About 1 ms per 10,000 tasks (measured in tests/metrics.test.ts's neighbour, docs/metrics.md).
import type { Database } from 'bun:sqlite';
import { TASK_STATUSES, type TaskStatus } from '../domain/model.ts';

export type StatusTotals = Record<TaskStatus, number>;

export function createStatusTotals(db: Database): () => StatusTotals {
  const query = db.query<{ status: TaskStatus; n: number }, []>('SELECT status, count(*) AS n FROM tasks GROUP BY status');
  return () => {
    const totals = Object.fromEntries(TASK_STATUSES.map((status) => [status, 0])) as StatusTotals;
    for (const { status, n } of query.all()) totals[status] = n;
    return totals;
  };
}
