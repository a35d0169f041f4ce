// Every setting is an environment variable and a command-line flag (the flag wins). Parsing never
// exits the process: it returns a Config or throws a ConfigError naming the bad setting.
import { parseArgs } from 'node:util';
import { FaultProfileError } from '../faults/profile.ts';
import { type NamedProfile, parseFaultsSetting } from '../faults/presets.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'pretty' | 'json';

export interface Config {
  port: number;
  host: string;
  apiKeys: string[];
  usingDefaultKey: boolean;
  databasePath: string;
  maxWorkspaces: number;
  maxWorkspaceConnections: number;
  maxRunningWorkspaceTasks: number;
  maxWorkspaceTasks: number;
  timeScale: number;
  seed: string | undefined;
  corsOrigins: string[];
  logLevel: LogLevel;
  logFormat: LogFormat;
  streamResendMs: number;
  /** Who may use /control (SPEC §10): any key for its own workspaces, only admin requests, or nobody. */
  control: 'keys' | 'admin' | 'off';
  adminKey: string | undefined;
  readyFile: string | undefined;
  /** The server's fault profile (§11), `none` unless FAULTS says otherwise. */
  faults: NamedProfile;
  journalMaxEvents: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Parser = (raw: string, label: string) => unknown;

interface Setting {
  key: keyof Config;
  env: string;
  flag: string;
  defaultValue: string | undefined;
  help: string;
  /** What the value looks like in --help (`--port <n>`); `<value>` when not given. */
  placeholder?: string;
  parse: Parser;
}

const integer =
  (min: number, max: number): Parser =>
  (raw, label) => {
    const value = Number(raw.trim());
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new ConfigError(`${label} must be a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  };

const positiveNumber: Parser = (raw, label) => {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0 || value > 1_000_000) {
    throw new ConfigError(`${label} must be a number greater than 0 (at most 1000000), got "${raw}"`);
  }
  return value;
};

const nonEmpty: Parser = (raw, label) => {
  if (raw.trim() === '') throw new ConfigError(`${label} must not be empty`);
  return raw.trim();
};

const oneOf =
  (...allowed: string[]): Parser =>
  (raw, label) => {
    const value = raw.trim().toLowerCase();
    if (!allowed.includes(value)) throw new ConfigError(`${label} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return value;
  };

const list: Parser = (raw, label) => {
  const items = raw.split(',').map((item) => item.trim());
  if (items.length === 0 || items.some((item) => item === '')) {
    throw new ConfigError(`${label} must be a comma-separated list with no empty entries, got "${raw}"`);
  }
  return [...new Set(items)];
};

const faultProfile: Parser = (raw, label) => {
  try {
    return parseFaultsSetting(raw);
  } catch (error) {
    if (error instanceof FaultProfileError) throw new ConfigError(`${label}: ${error.message}`);
    throw error;
  }
};

export const SETTINGS: readonly Setting[] = [
  {
    key: 'port',
    env: 'PORT',
    flag: 'port',
    placeholder: '<n>',
    defaultValue: '8700',
    help: 'TCP port to listen on (0 picks a free one)',
    parse: integer(0, 65535),
  },
  {
    key: 'host',
    env: 'HOST',
    flag: 'host',
    placeholder: '<addr>',
    defaultValue: '0.0.0.0',
    help: 'interface to bind',
    parse: nonEmpty,
  },
  {
    key: 'apiKeys',
    env: 'API_KEYS',
    flag: 'api-keys',
    placeholder: '<k1,k2>',
    defaultValue: undefined,
    help: 'comma-separated API keys (default: demo, with a warning)',
    parse: list,
  },
  {
    key: 'databasePath',
    env: 'DATABASE_PATH',
    flag: 'db',
    placeholder: '<file>',
    defaultValue: 'taskmock.sqlite',
    help: 'SQLite file, or :memory:',
    parse: nonEmpty,
  },
  {
    key: 'maxWorkspaces',
    env: 'MAX_WORKSPACES',
    flag: 'max-workspaces',
    placeholder: '<n>',
    defaultValue: '4',
    help: 'existing workspaces per API key',
    parse: integer(1, 1_000_000),
  },
  {
    key: 'maxWorkspaceConnections',
    env: 'MAX_WORKSPACE_CONNECTIONS',
    flag: 'max-workspace-connections',
    placeholder: '<n>',
    defaultValue: '10',
    help: 'open WebSockets per workspace',
    parse: integer(1, 1_000_000),
  },
  {
    key: 'maxRunningWorkspaceTasks',
    env: 'MAX_RUNNING_WORKSPACE_TASKS',
    flag: 'max-running-workspace-tasks',
    placeholder: '<n>',
    defaultValue: '6',
    help: 'tasks running at once per workspace',
    parse: integer(1, 1_000_000),
  },
  {
    key: 'maxWorkspaceTasks',
    env: 'MAX_WORKSPACE_TASKS',
    flag: 'max-workspace-tasks',
    placeholder: '<n>',
    defaultValue: '1000',
    help: 'tasks held per workspace',
    parse: integer(1, 1_000_000),
  },
  {
    key: 'timeScale',
    env: 'TIME_SCALE',
    flag: 'time-scale',
    placeholder: '<x>',
    defaultValue: '1',
    help: 'divides every duration and delay (10 = ten times faster)',
    parse: positiveNumber,
  },
  {
    key: 'seed',
    env: 'SEED',
    flag: 'seed',
    placeholder: '<text>',
    defaultValue: undefined,
    help: 'makes task durations reproducible',
    parse: nonEmpty,
  },
  {
    key: 'corsOrigins',
    env: 'CORS_ORIGINS',
    flag: 'cors-origins',
    placeholder: '<list>',
    defaultValue: '*',
    help: 'allowed browser origins, comma-separated, or *',
    parse: list,
  },
  {
    key: 'logLevel',
    env: 'LOG_LEVEL',
    flag: 'log-level',
    placeholder: '<level>',
    defaultValue: 'info',
    help: 'debug, info, warn, error or silent',
    parse: oneOf('debug', 'info', 'warn', 'error', 'silent'),
  },
  {
    key: 'logFormat',
    env: 'LOG_FORMAT',
    flag: 'log-format',
    placeholder: '<format>',
    defaultValue: 'pretty',
    help: 'pretty or json',
    parse: oneOf('pretty', 'json'),
  },
  {
    key: 'streamResendMs',
    env: 'STREAM_RESEND_MS',
    flag: 'stream-resend-ms',
    defaultValue: '1000',
    help: 'resend each watched list every N ms of real time (0 = off)',
    placeholder: '<ms>',
    parse: integer(0, 3_600_000),
  },
  {
    key: 'control',
    env: 'CONTROL',
    flag: 'control',
    defaultValue: 'keys',
    help: '/control routes: keys (each key its own workspaces), admin (X-Admin-Key required) or off (404)',
    placeholder: '<mode>',
    parse: oneOf('keys', 'admin', 'off'),
  },
  {
    key: 'adminKey',
    env: 'ADMIN_KEY',
    flag: 'admin-key',
    defaultValue: undefined,
    help: 'the admin key, sent as X-Admin-Key: turns on /admin (issued keys, journal, reports); CONTROL=admin needs it',
    placeholder: '<key>',
    parse: nonEmpty,
  },
  {
    key: 'journalMaxEvents',
    env: 'JOURNAL_MAX_EVENTS',
    flag: 'journal-max-events',
    defaultValue: '50000',
    help: 'journal events kept at most per API key (past it, the oldest tenth goes)',
    parse: integer(100, 10_000_000),
  },
  {
    key: 'readyFile',
    env: 'READY_FILE',
    flag: 'ready-file',
    defaultValue: undefined,
    help: 'once listening, write {"url","port","pid"} to this file',
    placeholder: '<path>',
    parse: nonEmpty,
  },
  {
    key: 'faults',
    env: 'FAULTS',
    flag: 'faults',
    defaultValue: 'none',
    help: 'fault profile: none, slow, flaky, chaos, inline JSON or @file.json',
    placeholder: '<profile>',
    parse: faultProfile,
  },
];

export const DEFAULT_API_KEY = 'demo';

const COMMANDS = ['serve', 'healthcheck', 'check', 'help', 'version'] as const;

export interface ParsedCommandLine {
  command: (typeof COMMANDS)[number];
  config: Config;
}

/** Our own one-line message for what Node's parser refuses, instead of its advice about `--`. */
function parseArgsProblem(error: unknown): ConfigError {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'(?:-\w, )?(-[^' ]+)/.exec(message ?? '')?.[1] ?? '';
  const problem =
    code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
      ? `unknown option ${option}`
      : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
        ? /does not take/.test(message ?? '')
          ? `${option} takes no value`
          : `${option} needs a value`
        : (message ?? String(error));
  return new ConfigError(`${problem} (see taskmock --help)`);
}

/** Parses argv (without the program name) and the environment into a command and its Config. */
export function parseCommandLine(argv: string[], env: Record<string, string | undefined>): ParsedCommandLine {
  const options = Object.fromEntries(SETTINGS.map((setting) => [setting.flag, { type: 'string' as const }]));
  const parsed = (() => {
    try {
      return parseArgs({
        args: argv,
        options: { ...options, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw parseArgsProblem(error);
    }
  })();
  const [commandWord, ...extra] = parsed.positionals;
  if (extra.length > 0 || (commandWord && !(COMMANDS as readonly string[]).includes(commandWord))) {
    throw new ConfigError(`unknown command "${parsed.positionals.join(' ')}" (see taskmock --help)`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const command = values.help ? 'help' : values.version ? 'version' : ((commandWord ?? 'serve') as (typeof COMMANDS)[number]);
  return { command, config: resolveConfig(values, env) };
}

function resolveConfig(flags: Record<string, string | boolean | undefined>, env: Record<string, string | undefined>): Config {
  const config: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const flagValue = flags[setting.flag];
    const envValue = env[setting.env];
    const [raw, label] =
      typeof flagValue === 'string'
        ? [flagValue, `--${setting.flag}`]
        : envValue !== undefined
          ? [envValue, setting.env]
          : [setting.defaultValue, setting.env];
    config[setting.key] = raw === undefined ? undefined : setting.parse(raw, label);
  }
  if (config.control === 'admin' && config.adminKey === undefined) {
    throw new ConfigError('CONTROL=admin needs ADMIN_KEY (or --admin-key): nobody could use /control otherwise');
  }
  const usingDefaultKey = config.apiKeys === undefined;
  if (usingDefaultKey) config.apiKeys = [DEFAULT_API_KEY];
  return { ...(config as unknown as Config), usingDefaultKey };
}
