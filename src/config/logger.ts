// A small leveled logger writing one line per event, pretty for people or JSON for machines.
// Callers pass fields, never raw URLs: API keys must not reach a log.
//
// Request lines are buffered and written at most every 10 ms: a write(2) per line cost GET /tasks a
// quarter of its throughput, and one per event-loop turn still a tenth of it under load
// (`bun run bench --only get`). A person watching the terminal sees each line within 10 ms; a
// warning or an error is written at once, with whatever is buffered before it. A request's line
// (`request`) is put together from pieces made once per millisecond and once per status and
// duration, and joined to the others in one string written per flush: formatting and writing each
// line cost a read 2.2 µs of its 22 (docs/performance.md).
import { cachedIsoTime } from '../domain/iso-time.ts';
import type { LogFormat, LogLevel } from './config.ts';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** An answered request at `info`: the same line as `info(line, { status, ms })`, made cheaply. */
  request(line: string, status: number, ms: number): void;
  /** Writes out what is buffered now (before the process exits). */
  flush(): void;
}

interface LineSink {
  /** `text` is one or more whole lines, each ending in a newline. */
  write(text: string, urgent: boolean): void;
  flush(): void;
}

/** How long an info or debug line may wait in the buffer. */
const FLUSH_AFTER_MS = 10;
/** Lines joined before they are handed to the file sink, whatever the time. */
const LINES_PER_WRITE = 512;

/**
 * Standard error through Bun's buffered file sink, flushed within FLUSH_AFTER_MS. Lines are joined
 * into one string first (a rope, flattened once per write): a sink write per line cost 0.2 µs.
 */
function bufferedStderr(): LineSink {
  const sink = Bun.stderr.writer();
  let pending = '';
  let lines = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const handOver = () => {
    if (lines === 0) return;
    sink.write(pending);
    pending = '';
    lines = 0;
  };
  const flush = () => {
    if (timer) timer = void clearTimeout(timer);
    handOver();
    sink.flush();
  };
  return {
    write(text, urgent) {
      pending += text;
      if (++lines === LINES_PER_WRITE) handOver();
      if (urgent) flush();
      // Unref'd: buffered lines never keep a stopping process alive (main.ts flushes before exit).
      else timer ??= setTimeout(flush, FLUSH_AFTER_MS).unref();
    },
    flush,
  };
}

/** Lines handed to `write` one by one, without their newline (tests collect them). */
function lineByLine(write: (line: string) => void): LineSink {
  return {
    write: (text) => {
      for (const line of text.slice(0, -1).split('\n')) write(line);
    },
    flush: () => undefined,
  };
}

export function createLogger({
  level,
  format,
  write,
}: {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go (tests collect them); buffered standard error by default. */
  write?: (line: string) => void;
}): Logger {
  const threshold = RANK[level];
  const sink: LineSink = write ? lineByLine(write) : bufferedStderr();
  const clock = createTimestamps();
  const emit = (lineLevel: Exclude<LogLevel, 'silent'>) => (message: string, fields?: LogFields) => {
    if (RANK[lineLevel] < threshold) return;
    const time = clock.iso();
    const line = format === 'json' ? jsonLine(time, lineLevel, message, fields) : prettyLine(time, lineLevel, message, fields);
    sink.write(`${line}\n`, RANK[lineLevel] >= RANK.warn);
  };
  const info = emit('info');
  const requestLine = createRequestLines(clock);
  return {
    enabled: (lineLevel) => RANK[lineLevel] >= threshold,
    debug: emit('debug'),
    info,
    warn: emit('warn'),
    error: emit('error'),
    request:
      format === 'json'
        ? (line, status, ms) => info(line, { status, ms })
        : (line, status, ms) => {
            if (RANK.info >= threshold) sink.write(requestLine(line, status, ms), false);
          },
    flush: () => sink.flush(),
  };
}

/** Distinct status-and-duration endings kept; past it they are made afresh (durations vary). */
const MAX_ENDINGS = 4096;

/**
 * Pretty request lines, `prettyLine`'s output for `{ status, ms }` and a newline: the time and
 * level once per millisecond, the ending once per status and duration (in tenths of a ms).
 */
function createRequestLines(clock: ReturnType<typeof createTimestamps>) {
  let prefixOf = '';
  let prefix = '';
  const endings = new Map<number, string>();
  return (line: string, status: number, ms: number): string => {
    const time = clock.iso();
    if (time !== prefixOf) {
      prefixOf = time;
      prefix = `${time.slice(11, 23)} ${PRETTY_LEVEL.info} `;
    }
    // Statuses are below 1000, and `ms` has one decimal: this number names the pair.
    const code = Math.round(ms * 10) * 1000 + status;
    let ending = endings.get(code);
    if (ending === undefined) {
      ending = ` status=${status} ms=${ms}\n`;
      if (endings.size >= MAX_ENDINGS) endings.clear();
      endings.set(code, ending);
    }
    return prefix + line + ending;
  };
}

/** ISO timestamps, formatted once per millisecond rather than once per line. */
function createTimestamps() {
  const isoOf = cachedIsoTime();
  return { iso: (): string => isoOf(Date.now()) };
}

const PRETTY_LEVEL: Record<string, string> = { debug: 'DEBUG', info: 'INFO ', warn: 'WARN ', error: 'ERROR' };

function jsonLine(time: string, level: string, message: string, fields: LogFields | undefined): string {
  return JSON.stringify({ time, level, msg: message, ...fields });
}

function prettyLine(time: string, level: string, message: string, fields: LogFields | undefined): string {
  let line = `${time.slice(11, 23)} ${PRETTY_LEVEL[level]} ${message}`;
  if (fields) {
    for (const key in fields) {
      const value = fields[key];
      if (value !== undefined) line += ` ${key}=${value}`;
    }
  }
  return line;
}
