#!/usr/bin/env bun
// The only module with side effects: reads argv and the environment, listens, handles signals.
import { banner, healthcheck } from './config/cli.ts';
import { ConfigError, helpText, parseCommandLine } from './config/config.ts';
import { DatabaseInUseError, DatabaseOpenError } from './storage/database.ts';
import { checkDatabaseFile } from './storage/database-health.ts';
import { ListenError, startTaskmock, VERSION, type RunningTaskmock } from './server.ts';

const SHUTDOWN_GRACE_MS = 5_000;

function fail(message: string): never {
  process.stderr.write(`taskmock: ${message}\n`);
  process.exit(2);
}

function parse() {
  try {
    return parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

function start(config: ReturnType<typeof parse>['config']): RunningTaskmock {
  try {
    return startTaskmock(config);
  } catch (error) {
    if (error instanceof DatabaseInUseError || error instanceof DatabaseOpenError || error instanceof ListenError) {
      fail(error.message);
    }
    throw error;
  }
}

const { command, config } = parse();
if (command === 'help') {
  process.stdout.write(helpText(VERSION));
} else if (command === 'version') {
  process.stdout.write(`${VERSION}\n`);
} else if (command === 'healthcheck') {
  process.exit(await healthcheck(config));
} else if (command === 'check') {
  const { ok, report } = checkDatabaseFile(config.databasePath);
  const details = ok ? '' : `${report.join('\n')}\n`;
  process.stdout.write(`${config.databasePath}: ${ok ? 'ok' : 'needs attention (see docs/reliability.md)'}\n${details}`);
  process.exit(ok ? 0 : 1);
} else {
  // Handlers go in before the server listens: a signal that arrives the moment the banner is out
  // must still shut down cleanly (exit 0), never kill the process mid-commit.
  let taskmock: RunningTaskmock | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!taskmock) process.exit(0);
    taskmock.logger.info(`received ${signal}, shutting down`);
    // A peer that never lets go of its connection must not keep the process alive for ever; every
    // change is already committed, so leaving without the last goodbyes loses nothing.
    setTimeout(() => {
      taskmock?.logger.warn(`shutdown took more than ${SHUTDOWN_GRACE_MS} ms; exiting anyway`);
      taskmock?.logger.flush();
      process.exit(0);
    }, SHUTDOWN_GRACE_MS).unref();
    await taskmock.shutdown();
    taskmock.logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  taskmock = start(config);
  process.stdout.write(banner(config, taskmock.url, VERSION));
}
