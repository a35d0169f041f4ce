// The thresholds findings are judged by (documented in docs/hosted.md, "Behaviour report").

/** Polling while subscribed is a finding from this many reads, at this rate or more. */
export const POLL_MIN_COUNT = 5;
export const POLL_MIN_PER_MINUTE = 6;
/** From this rate on it is a problem rather than a warning. */
export const POLL_PROBLEM_PER_MINUTE = 30;
/** A client that read at most this many times over this long subscribed relied on the stream. */
export const STREAM_RELIANT_MAX_POLLS = 2;
export const STREAM_RELIANT_MIN_MS = 30_000;
/** This many attempts in 10 s is a reconnect storm. */
export const STORM_ATTEMPTS_IN_10S = 10;
/** Retries of errors without Retry-After this soon (median) and this often are retried without pause. */
export const FAST_RETRY_MS = 250;
export const FAST_RETRY_MIN = 3;
