// A small leveled logger writing one line per event, pretty for people or JSON for machines.
// Callers pass fields, never raw URLs: API keys must not reach a log.
//
// Request lines are buffered and written at most every 10 ms: a write(2) per line cost GET /tasks a
// quarter of its throughput, and one per event-loop turn still a tenth of it under load
// (`bun run bench --only get`). A person watching the terminal sees each line within 10 ms; a
// warning or an error is written at once, with whatever is buffered before it.
import type { LogFormat, LogLevel } from './config.ts';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Writes out what is buffered now (before the process exits). */
  flush(): void;
}

interface LineSink {
  write(line: string, urgent: boolean): void;
  flush(): void;
}

/** How long an info or debug line may wait in the buffer. */
const FLUSH_AFTER_MS = 10;

/** Standard error through Bun's buffered file sink, flushed within FLUSH_AFTER_MS. */
function bufferedStderr(): LineSink {
  const sink = Bun.stderr.writer();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer) timer = void clearTimeout(timer);
    sink.flush();
  };
  return {
    write(line, urgent) {
      sink.write(`${line}\n`);
      if (urgent) flush();
      // Unref'd: buffered lines never keep a stopping process alive (main.ts flushes before exit).
      else timer ??= setTimeout(flush, FLUSH_AFTER_MS).unref();
    },
    flush,
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
  const sink: LineSink = write ? { write, flush: () => undefined } : bufferedStderr();
  const clock = createTimestamps();
  const emit = (lineLevel: Exclude<LogLevel, 'silent'>) => (message: string, fields?: LogFields) => {
    if (RANK[lineLevel] < threshold) return;
    sink.write(
      format === 'json' ? jsonLine(clock.iso(), lineLevel, message, fields) : prettyLine(clock.iso(), lineLevel, message, fields),
      RANK[lineLevel] >= RANK.warn,
    );
  };
  return {
    enabled: (lineLevel) => RANK[lineLevel] >= threshold,
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    flush: () => sink.flush(),
  };
}

/** ISO timestamps, formatted once per millisecond rather than once per line. */
function createTimestamps() {
  let lastMs = -1;
  let lastIso = '';
  return {
    iso(): string {
      const now = Date.now();
      if (now !== lastMs) {
        lastMs = now;
        lastIso = new Date(now).toISOString();
      }
      return lastIso;
    },
  };
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
