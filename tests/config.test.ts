// Configuration: defaults, environment, flags winning, and a clear refusal naming each bad setting.
import { describe, expect, test } from 'bun:test';
import { ConfigError, parseCommandLine, SETTINGS } from '../src/config/config.ts';

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
    expect(parse(['healthcheck', '--port', '1']).command).toBe('healthcheck');
  });

  test('every setting has a distinct flag and variable', () => {
    expect(new Set(SETTINGS.map((s) => s.flag)).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((s) => s.env)).size).toBe(SETTINGS.length);
  });
});
