// Findings about REST requests: error handling and Retry-After, duplicate creates, stale deletes,
// 400s by message, refused sockets.
import * as limits from './thresholds.ts';
import type { Figures, Finding, StatusFigures } from './types.ts';
import { duration, plural, times } from './words.ts';

type Scope = { workspace: string | null; cap: number };

function statusFinding(figures: StatusFigures, workspace: string | null): Finding | null {
  const { status, count, retried, retryAfterIgnored: ignored, retryAfterRespected: respected, retryDelays } = figures;
  const base = { workspace, evidence: figures.evidence };
  const median = retryDelays.medianMs ?? 0;
  if (ignored > 0) {
    return {
      ...base,
      kind: 'retry-after-ignored',
      severity: ignored >= respected ? 'problem' : 'warning',
      text: `retried ${status} answers ${times(ignored)} sooner than the Retry-After they carried (median ${duration(median)} after the error; ${respected} waited long enough)`,
      figures: { status, errors: count, retried, ignored, respected, medianDelayMs: median },
    };
  }
  if (respected > 0) {
    return {
      ...base,
      kind: 'retry-after-respected',
      severity: 'good',
      text: `waited the Retry-After of ${status} answers before retrying (${plural(respected, 'retry', 'retries')}, median ${duration(median)} after the error)`,
      figures: { status, errors: count, retried, respected, medianDelayMs: median },
    };
  }
  if (figures.withRetryAfter === 0 && retried >= limits.FAST_RETRY_MIN && median < limits.FAST_RETRY_MS) {
    return {
      ...base,
      kind: 'fast-retries',
      severity: 'warning',
      text: `retried ${status} answers ${times(retried)} without pausing (median ${duration(median)} after the error; longest run ${figures.longestRun} errors in a row)`,
      figures: { status, errors: count, retried, medianDelayMs: median, longestRun: figures.longestRun },
    };
  }
  if (retried === 0) {
    return {
      ...base,
      kind: 'errors-not-retried',
      severity: 'info',
      text: `never retried the ${plural(count, `${status} answer`)} it got`,
      figures: { status, errors: count },
    };
  }
  return null;
}

export function requestFindings(figures: Figures, { workspace }: Scope): Finding[] {
  const found: Finding[] = [];
  for (const status of figures.errors) {
    const finding = statusFinding(status, workspace);
    if (finding) found.push(finding);
  }
  const { duplicateCreates, staleDeletes } = figures;
  if (duplicateCreates.count > 0) {
    found.push({
      kind: 'duplicate-creates',
      severity: 'warning',
      workspace,
      text: `created the same task (same name and type) twice within 1 s ${times(duplicateCreates.count)}: a double submit, or a create retried after it had worked`,
      figures: { duplicates: duplicateCreates.count },
      evidence: duplicateCreates.evidence,
    });
  }
  if (staleDeletes.count > 0) {
    found.push({
      kind: 'stale-deletes',
      severity: 'warning',
      workspace,
      text: `${plural(staleDeletes.count, 'delete was', 'deletes were')} answered 404: the task had already started or was gone (acting on a stale list)`,
      figures: { deletes: staleDeletes.count },
      evidence: staleDeletes.evidence,
    });
  }
  for (const bad of figures.badRequests) {
    found.push({
      kind: 'bad-request',
      severity: 'warning',
      workspace,
      text: `sent ${plural(bad.count, 'request')} answered 400 "${bad.message}"`,
      figures: { requests: bad.count },
      evidence: bad.evidence,
    });
  }
  for (const refused of figures.refusedSockets) {
    const overLimit = refused.status === 429;
    if (!overLimit && refused.status === 503) continue; // injected refusals: judged as reconnects
    found.push({
      kind: overLimit ? 'sockets-refused-over-limit' : 'sockets-refused',
      severity: overLimit ? 'warning' : 'info',
      workspace,
      text: `had ${plural(refused.count, 'socket')} refused with ${refused.status} "${refused.message}"${overLimit ? ': it opened more than the limit allows' : ''}`,
      figures: { sockets: refused.count, status: refused.status },
      evidence: refused.evidence,
    });
  }
  return found;
}
