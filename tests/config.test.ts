// Configuration: defaults, environment, flags winning, and a clear refusal naming each bad setting.
import { describe, expect, test } from 'bun:test';
import { ConfigError, parseCommandLine, SETTINGS } from '../src/config/config.ts';
import { helpText } from '../src/config/help.ts';

const parse = (argv: string[], env: Record<string, string> = {}) => parseCommandLine(argv, env);

describe('config', () => {
  test('defaults follow the contract', () => {
    const { command, config } = parse([]);
    expect(command).toBe('serve');
    expect(config).toMatchObject({
      port: 8700,
      host: '0.0.0.0',
      apiKeys: ['demo'],
      usingDefaultKey: true,
      databasePath: 'taskmock.sqlite',
      maxWorkspaces: 4,
      maxWorkspaceConnections: 10,
      maxRunningWorkspaceTasks: 6,
      maxWorkspaceTasks: 1000,
      timeScale: 1,
      seed: undefined,
      corsOrigins: ['*'],
      logLevel: 'info',
      logFormat: 'pretty',
      streamResendMs: 1000,
      readyFile: undefined,
    });
  });

  test('every setting is read from its environment variable, and its flag wins', () => {
    const env = {
      PORT: '1234',
      HOST: '127.0.0.1',
      API_KEYS: 'a, b',
      DATABASE_PATH: ':memory:',
      MAX_WORKSPACES: '2',
      MAX_WORKSPACE_CONNECTIONS: '3',
      MAX_RUNNING_WORKSPACE_TASKS: '4',
      MAX_WORKSPACE_TASKS: '5',
      TIME_SCALE: '2.5',
      SEED: 's',
      CORS_ORIGINS: 'http://a.test',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      STREAM_RESEND_MS: '250',
      READY_FILE: '/tmp/ready.json',
    };
    expect(parse([], env).config).toMatchObject({
      port: 1234,
      host: '127.0.0.1',
      apiKeys: ['a', 'b'],
      usingDefaultKey: false,
      databasePath: ':memory:',
      maxWorkspaces: 2,
      maxWorkspaceConnections: 3,
      maxRunningWorkspaceTasks: 4,
      maxWorkspaceTasks: 5,
      timeScale: 2.5,
      seed: 's',
      corsOrigins: ['http://a.test'],
      logLevel: 'debug',
      logFormat: 'json',
      streamResendMs: 250,
      readyFile: '/tmp/ready.json',
    });
    expect(parse(['--port', '99', '--time-scale', '10'], env).config).toMatchObject({ port: 99, timeScale: 10 });
    expect(parse(['--port=98'], env).config.port).toBe(98);
  });

  test.each([
    [['--port', 'abc'], '--port'],
    [['--port', '70000'], '--port'],
    [['--port', '-1'], '--port'],
    [['--time-scale', '0'], '--time-scale'],
    [['--time-scale', 'fast'], '--time-scale'],
    [['--max-workspaces', '0'], '--max-workspaces'],
    [['--max-workspace-tasks', '1.5'], '--max-workspace-tasks'],
    [['--api-keys', 'a,,b'], '--api-keys'],
    [['--log-level', 'loud'], '--log-level'],
    [['--log-format', 'xml'], '--log-format'],
    [['--db', ' '], '--db'],
    [['--stream-resend-ms', '-5'], '--stream-resend-ms'],
    [['--stream-resend-ms', '1.5'], '--stream-resend-ms'],
    [['--stream-resend-ms', 'soon'], '--stream-resend-ms'],
    [['--ready-file', ' '], '--ready-file'],
    [['--nope'], 'nope'],
    [['frobnicate'], 'frobnicate'],
  ])('%p is refused, naming %s', (argv, name) => {
    expect(() => parse(argv)).toThrow(ConfigError);
    expect(() => parse(argv)).toThrow(name);
  });

  test('a bad environment value names the variable', () => {
    expect(() => parse([], { MAX_RUNNING_WORKSPACE_TASKS: 'six' })).toThrow('MAX_RUNNING_WORKSPACE_TASKS');
  });

  test('a bad environment value is not consulted when the flag overrides it', () => {
    expect(parse(['--port', '1'], { PORT: 'x' }).config.port).toBe(1);
  });

  test('commands: help, version, healthcheck', () => {
    expect(parse(['--help']).command).toBe('help');
    expect(parse(['-v']).command).toBe('version');
    expect(parse(['help']).command).toBe('help');
    expect(parse(['version']).command).toBe('version');
    expect(parse(['healthcheck', '--port', '1']).command).toBe('healthcheck');
  });

  test.each([
    [['--foo'], 'unknown option --foo (see taskmock --help)'],
    [['-x'], 'unknown option -x (see taskmock --help)'],
    [['--port'], '--port needs a value (see taskmock --help)'],
    [['--help=yes'], '--help takes no value (see taskmock --help)'],
  ])('%p gets our own one-line message', (argv, message) => {
    expect(() => parse(argv)).toThrow(new ConfigError(message));
  });

  test('STREAM_RESEND_MS accepts 0 (off) and is not scaled by TIME_SCALE', () => {
    expect(parse(['--stream-resend-ms', '0']).config.streamResendMs).toBe(0);
    expect(parse(['--time-scale', '10'], { STREAM_RESEND_MS: '500' }).config.streamResendMs).toBe(500);
  });

  test('every setting has a distinct flag and variable', () => {
    expect(new Set(SETTINGS.map((s) => s.flag)).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((s) => s.env)).size).toBe(SETTINGS.length);
  });
});

describe('--help', () => {
  const text = helpText('9.9.9');

  test('fits 80 columns', () => {
    expect(text.split('\n').filter((line) => line.length > 80)).toEqual([]);
  });

  test('shows each flag with a value placeholder, its variable and its default', () => {
    expect(text).toMatch(/--port <n> +PORT +default 8700/);
    expect(text).toMatch(/--db <file> +DATABASE_PATH/);
    expect(text).toContain('default taskmock.sqlite');
    expect(text).toMatch(/--stream-resend-ms <ms> +STREAM_RESEND_MS +default 1000/);
    for (const setting of SETTINGS) expect(text).toContain(`--${setting.flag} <`);
  });

  test('ends with examples, and names the help and version words', () => {
    expect(text).toContain('Examples:');
    expect(text).toContain('taskmock --port 0 --db :memory:');
    expect(text).toContain('taskmock help');
    expect(text).toContain('taskmock version');
  });
});
