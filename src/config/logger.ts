// A small leveled logger writing one line per event, pretty for people or JSON for machines.
// Callers pass fields, never raw URLs: API keys must not reach a log.
import type { LogFormat, LogLevel } from './config.ts';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export function createLogger({
  level,
  format,
  write = (line) => process.stderr.write(line + '\n'),
}: {
  level: LogLevel;
  format: LogFormat;
  write?: (line: string) => void;
}): Logger {
  const threshold = RANK[level];
  const emit =
    (lineLevel: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields: LogFields = {}) => {
      if (RANK[lineLevel] < threshold) return;
      write(format === 'json' ? jsonLine(lineLevel, message, fields) : prettyLine(lineLevel, message, fields));
    };
  return {
    enabled: (lineLevel) => RANK[lineLevel] >= threshold,
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
  };
}

function jsonLine(level: string, message: string, fields: LogFields): string {
  return JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields });
}

function prettyLine(level: string, message: string, fields: LogFields): string {
  const time = new Date().toISOString().slice(11, 23);
  const extra = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return `${time} ${level.toUpperCase().padEnd(5)} ${message}${extra ? ' ' + extra : ''}`;
}
