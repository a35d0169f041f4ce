// The behaviour report of one key (SPEC §13): pure, from the key's journal events and the time
// now; no HTTP, no database. Figures for the key and for each workspace, findings per workspace.
import type { JournalEvent } from '../journal/events.ts';
import { figuresOf } from './figures.ts';
import { requestFindings } from './request-findings.ts';
import { byWorkspace, DEFAULT_EVIDENCE_CAP } from './stats.ts';
import { pollingFindings, reconnectFindings } from './stream-findings.ts';
import { timelineOf } from './timeline.ts';
import type { Finding, Report, ReportOptions, Severity, WorkspaceReport } from './types.ts';

const SEVERITY_ORDER: Record<Severity, number> = { problem: 0, warning: 1, info: 2, good: 3 };

function findingsOf(workspaces: readonly WorkspaceReport[], cap: number): Finding[] {
  const found = workspaces.flatMap(({ workspace, figures }) => {
    const scope = { workspace, cap };
    return [...pollingFindings(figures, scope), ...reconnectFindings(figures, scope), ...requestFindings(figures, scope)];
  });
  // Stable: within a severity, workspaces keep their order of first activity.
  return found.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

export function buildReport(journal: readonly JournalEvent[], options: ReportOptions): Report {
  const cap = options.evidenceCap ?? DEFAULT_EVIDENCE_CAP;
  // Journal order is id order; sort anyway so hand-made or merged input reads the same.
  const events = [...journal].sort((a, b) => a.id - b.id);
  const workspaces = [...byWorkspace(events)].map(([workspace, group]) => ({
    workspace,
    figures: figuresOf(group, options.now, cap),
  }));
  return {
    key: options.key,
    generatedAt: new Date(options.now).toISOString(),
    events: events.length,
    dropped: options.dropped ?? 0,
    figures: figuresOf(events, options.now, cap),
    workspaces,
    findings: findingsOf(workspaces, cap),
    timeline: timelineOf(events, options.now),
  };
}
