// The behaviour report's shape (SPEC §13): figures per key and per workspace, findings in plain
// words, and the timeline the report page draws. Plain data, so the admin route can answer it as
// JSON and its `t` schema (admin/report-schemas.ts) can describe it.

/** The ids of the journal events that back a figure, at most `evidenceCap` of them. */
export type Evidence = number[];

export interface PollingFigures {
  /** `GET /tasks` answered while a socket of the same workspace was open. */
  whileSubscribed: number;
  /** Time with at least one socket open, summed over workspaces. */
  subscribedMs: number;
  /** `whileSubscribed` per minute of `subscribedMs`, or null with no subscribed time. */
  perMinute: number | null;
  evidence: Evidence;
}

export interface DelayStats {
  count: number;
  minMs: number | null;
  medianMs: number | null;
  maxMs: number | null;
}

export type BackoffVerdict = 'backs-off' | 'fixed-interval' | 'irregular';

export interface FailureStreak {
  workspace: string | null;
  reconnects: number;
  /** Delays between each failure and the next attempt, in order (the first 100). */
  delaysMs: number[];
  medianMs: number;
  verdict: BackoffVerdict;
  evidence: Evidence;
}

export interface ReconnectFigures {
  /** Attempts (opens and refused upgrades) that followed a close or a refusal. */
  count: number;
  /** Of those, how many followed a failure (an abnormal close or a refused upgrade). */
  afterFailure: number;
  /** Reconnects within 1 s of the close or refusal. */
  withinOneSecond: number;
  delays: DelayStats;
  /** Runs of 3 or more reconnects after failures, each judged for back-off. */
  streaks: FailureStreak[];
  /** The most attempts seen in any 10 s window of one workspace. */
  maxAttemptsIn10s: number;
  /** Failures never followed by another attempt, though the client was active 5 s or more later. */
  notReconnected: CountFigures;
  evidence: Evidence;
}

export interface StatusFigures {
  status: number;
  /** Requests answered with this status. */
  count: number;
  /** Of those, how many were followed by the same request (method, path, workspace) within 60 s. */
  retried: number;
  /** The longest run of identical requests answered with an error in a row. */
  longestRun: number;
  retryDelays: DelayStats;
  /** Answers that carried `Retry-After`. */
  withRetryAfter: number;
  /** Retries of those sent at least `Retry-After` later, and sooner. */
  retryAfterRespected: number;
  retryAfterIgnored: number;
  evidence: Evidence;
}

export interface CountFigures {
  count: number;
  evidence: Evidence;
}

export interface MessageCount {
  message: string;
  count: number;
  evidence: Evidence;
}

export interface RefusalCount {
  status: number;
  message: string;
  count: number;
  evidence: Evidence;
}

export interface EndpointCount {
  endpoint: string;
  count: number;
}

export interface Figures {
  /** ISO 8601 of the first and last event, or null with none. */
  firstActivity: string | null;
  lastActivity: string | null;
  requests: number;
  byEndpoint: EndpointCount[];
  socketsOpened: number;
  polling: PollingFigures;
  reconnects: ReconnectFigures;
  errors: StatusFigures[];
  duplicateCreates: CountFigures;
  staleDeletes: CountFigures;
  badRequests: MessageCount[];
  refusedSockets: RefusalCount[];
}

export type Severity = 'good' | 'info' | 'warning' | 'problem';

export interface Finding {
  kind: string;
  severity: Severity;
  /** The workspace it concerns, or null for the key as a whole. */
  workspace: string | null;
  text: string;
  /** The numbers the text quotes, by name. */
  figures: Record<string, number>;
  evidence: Evidence;
}

export interface SocketBar {
  id: number;
  workspace: string | null;
  /** Milliseconds since the epoch; `end` null while still open. */
  start: number;
  end: number | null;
  code: number | null;
}

export interface FaultMark {
  id: number;
  at: number;
  /** `error`, `latency`, `refuse`, `drop` (as the journal names it). */
  fault: string;
  endpoint: string;
  /** The answer's status; for a dropped socket, its close code. */
  status: number;
}

export interface Timeline {
  /** Start of each bucket, in seconds since the epoch (what uPlot plots). */
  times: number[];
  bucketSeconds: number;
  /** Requests per second in each bucket, per endpoint. */
  requests: { endpoint: string; perSecond: number[] }[];
  /** Tasks in each status at the end of each bucket, over every workspace. */
  tasks: { status: string; counts: number[] }[];
  /** The latest MAX_SOCKET_BARS sockets, and how many earlier ones were left out. */
  sockets: SocketBar[];
  socketsOmitted: number;
  /** The first MAX_FAULT_MARKS injected faults, and how many more were left out. */
  faults: FaultMark[];
  faultsOmitted: number;
}

export interface WorkspaceReport {
  workspace: string | null;
  figures: Figures;
}

export interface Report {
  key: string;
  generatedAt: string;
  events: number;
  /** Events dropped from the journal to keep it bounded (the report cannot see them). */
  dropped: number;
  figures: Figures;
  workspaces: WorkspaceReport[];
  findings: Finding[];
  timeline: Timeline;
}

export interface ReportOptions {
  key: string;
  /** Milliseconds since the epoch: sockets still open count as open until then. */
  now: number;
  dropped?: number;
  /** The most event ids kept per figure or finding (default 50). */
  evidenceCap?: number;
}
