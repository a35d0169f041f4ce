// The behaviour report's JSON (report/types.ts) as `t` schemas: the OpenAPI document of
// GET /admin/keys/:name/report. Kept beside the types by a test that checks real reports against it.
import { Integer } from '../http/json-integer.ts';
import { t } from 'elysia';
import { COMPONENT_NAME } from '../http/schemas.ts';

const Evidence = t.Array(Integer(), { description: 'Ids of the journal events behind the figure (at most 50).' });
const Iso = t.Union([t.String({ format: 'date-time' }), t.Null()]);
const Ms = t.Union([t.Number(), t.Null()]);

const DelayStats = t.Object(
  { count: Integer(), minMs: Ms, medianMs: Ms, maxMs: Ms },
  { [COMPONENT_NAME]: 'ReportDelays', description: 'Delays in milliseconds.' },
);
const CountFigures = t.Object({ count: Integer(), evidence: Evidence }, { [COMPONENT_NAME]: 'ReportCount' });

const Polling = t.Object(
  {
    whileSubscribed: Integer({ description: 'GET /tasks answered while a socket of the same workspace was open.' }),
    subscribedMs: t.Number({ description: 'Time with at least one socket open, summed over workspaces.' }),
    perMinute: t.Union([t.Number(), t.Null()], { description: 'whileSubscribed per minute of subscribedMs.' }),
    evidence: Evidence,
  },
  { [COMPONENT_NAME]: 'ReportPolling' },
);

const Streak = t.Object(
  {
    workspace: t.Union([t.String(), t.Null()]),
    reconnects: Integer(),
    delaysMs: t.Array(t.Number(), { description: 'The first 100 delays, in order.' }),
    medianMs: t.Number(),
    verdict: t.Union([t.Literal('backs-off'), t.Literal('fixed-interval'), t.Literal('irregular')]),
    evidence: Evidence,
  },
  { [COMPONENT_NAME]: 'ReportFailureStreak', description: 'Three or more reconnects in a row after failures.' },
);

const Reconnects = t.Object(
  {
    count: Integer({ description: 'Attempts (opens, refused upgrades) that followed a close or a refusal.' }),
    afterFailure: Integer({ description: 'Of those, after an abnormal close or a refused upgrade.' }),
    withinOneSecond: Integer(),
    delays: DelayStats,
    streaks: t.Array(Streak),
    maxAttemptsIn10s: Integer({ description: 'The most attempts in any 10 s window of one workspace.' }),
    notReconnected: CountFigures,
    evidence: Evidence,
  },
  { [COMPONENT_NAME]: 'ReportReconnects' },
);

const StatusFigures = t.Object(
  {
    status: Integer({ examples: [503] }),
    count: Integer(),
    retried: Integer({ description: 'Followed by the same method, path and workspace within 60 s.' }),
    longestRun: Integer(),
    retryDelays: DelayStats,
    withRetryAfter: Integer(),
    retryAfterRespected: Integer(),
    retryAfterIgnored: Integer(),
    evidence: Evidence,
  },
  { [COMPONENT_NAME]: 'ReportStatus' },
);

const Figures = t.Object(
  {
    firstActivity: Iso,
    lastActivity: Iso,
    requests: Integer(),
    byEndpoint: t.Array(t.Object({ endpoint: t.String({ examples: ['GET /tasks'] }), count: Integer() })),
    socketsOpened: Integer(),
    polling: Polling,
    reconnects: Reconnects,
    errors: t.Array(StatusFigures),
    duplicateCreates: CountFigures,
    staleDeletes: CountFigures,
    badRequests: t.Array(t.Object({ message: t.String(), count: Integer(), evidence: Evidence })),
    refusedSockets: t.Array(t.Object({ status: Integer(), message: t.String(), count: Integer(), evidence: Evidence })),
  },
  { [COMPONENT_NAME]: 'ReportFigures' },
);

const Finding = t.Object(
  {
    kind: t.String({ examples: ['polling-while-subscribed'] }),
    severity: t.Union([t.Literal('good'), t.Literal('info'), t.Literal('warning'), t.Literal('problem')]),
    workspace: t.Union([t.String(), t.Null()]),
    text: t.String({ examples: ['polled GET /tasks 58 times a minute while subscribed to the stream (…)'] }),
    figures: t.Record(t.String(), t.Number()),
    evidence: Evidence,
  },
  { [COMPONENT_NAME]: 'ReportFinding' },
);

const Timeline = t.Object(
  {
    times: t.Array(t.Number(), { description: 'Start of each bucket, seconds since the epoch.' }),
    bucketSeconds: Integer(),
    requests: t.Array(t.Object({ endpoint: t.String(), perSecond: t.Array(t.Number()) })),
    tasks: t.Array(t.Object({ status: t.String(), counts: t.Array(Integer()) })),
    sockets: t.Array(
      t.Object({
        id: Integer(),
        workspace: t.Union([t.String(), t.Null()]),
        start: t.Number(),
        end: Ms,
        code: t.Union([Integer(), t.Null()]),
      }),
    ),
    socketsOmitted: Integer(),
    faults: t.Array(t.Object({ id: Integer(), at: t.Number(), fault: t.String(), endpoint: t.String(), status: Integer() })),
    faultsOmitted: Integer(),
  },
  { [COMPONENT_NAME]: 'ReportTimeline', description: 'What the report page draws; times in milliseconds unless said.' },
);

export const Report = t.Object(
  {
    key: t.String({ examples: ['ada'] }),
    generatedAt: t.String({ format: 'date-time' }),
    events: Integer(),
    dropped: Integer({ description: 'Old events dropped from the journal (JOURNAL_MAX_EVENTS): not in the report.' }),
    figures: Figures,
    workspaces: t.Array(t.Object({ workspace: t.Union([t.String(), t.Null()]), figures: Figures })),
    findings: t.Array(Finding),
    timeline: Timeline,
  },
  { [COMPONENT_NAME]: 'Report', description: 'The behaviour report of one key (docs/hosted.md, "Behaviour report").' },
);
