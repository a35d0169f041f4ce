// ISO 8601 text of an instant, made once per millisecond: the lines and tasks of one event-loop
// turn mostly share theirs, and `toISOString` showed in both the read's and the create's profiles.
// Each user takes its own formatter, so one's instants never push out another's.

/** A formatter that keeps the last instant it formatted. */
export function cachedIsoTime(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastIso = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  };
}
