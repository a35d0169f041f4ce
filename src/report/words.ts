// Figures in plain words: durations and counts as a reader says them.

export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trim(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${trim(ms / 60_000)} min`;
  return `${trim(ms / 3_600_000)} h`;
}

/** One decimal, none when it is zero. */
const trim = (value: number) => (Math.round(value * 10) / 10).toString();

export function times(count: number): string {
  return count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function range(min: number, max: number): string {
  return min === max ? duration(min) : `${duration(min)}–${duration(max)}`;
}
