#!/usr/bin/env bun
// The only module with side effects: reads argv and the environment, listens, handles signals.
import { accessSync, constants, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { banner, healthcheck, listeningAt } from './config/cli.ts';
import { type Config, ConfigError, parseCommandLine } from './config/config.ts';
import { startedByNpm, watchParent, writeReadyFile } from './config/launch.ts';
import { helpText } from './config/help.ts';
import { DatabaseInUseError, DatabaseOpenError } from './storage/database.ts';
import { checkDatabaseFile } from './storage/database-health.ts';
import { removeFiles } from './storage/new-files.ts';
import { ListenError, startTaskmock, VERSION, type RunningTaskmock } from './server.ts';

const SHUTDOWN_GRACE_MS = 5_000;

// Straight to the file descriptors: the first touch of `process.stdout` builds Node's stream
// machinery, 10 ms and more of a start, for one banner; and a write made just before an exit is
// never lost in a stream's buffer.
function print(fd: 1 | 2, text: string): void {
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(fd, bytes, written);
  } catch {
    // A non-blocking pipe that is full (EAGAIN): let the stream queue the rest.
    (fd === 1 ? process.stdout : process.stderr).write(bytes.subarray(written));
  }
}
const printOut = (text: string) => print(1, text);
const printErr = (text: string) => print(2, text);

function fail(message: string): never {
  printErr(`taskmock: ${message}\n`);
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

/** The folder of READY_FILE must exist and be writable before anything starts. */
function checkReadyFolder(path: string | undefined): void {
  if (path === undefined) return;
  const folder = dirname(resolve(path));
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    fail(`READY_FILE / --ready-file: the folder ${folder} does not exist or is not writable`);
  }
}

/** Removes the ready file at a clean stop, if it is still the one this process wrote. */
function removeReadyFile(path: string | undefined): void {
  if (path === undefined) return;
  try {
    if (JSON.parse(readFileSync(path, 'utf8')).pid === process.pid) rmSync(path, { force: true });
  } catch {
    // Gone or replaced: nothing of ours to remove.
  }
}

async function serve(config: Config): Promise<void> {
  checkReadyFolder(config.readyFile);
  // Handlers go in before the server listens: a signal that arrives the moment the banner is out
  // must still shut down cleanly (exit 0), never kill the process mid-commit.
  let taskmock: RunningTaskmock | undefined;
  let stopping = false;
  const stop = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    if (!taskmock) process.exit(exitCode);
    taskmock.logger.info(`${reason}, shutting down`);
    // A peer that never lets go of its connection must not keep the process alive for ever; every
    // change is already committed, so leaving without the last goodbyes loses nothing.
    setTimeout(() => {
      taskmock?.logger.warn(`shutdown took more than ${SHUTDOWN_GRACE_MS} ms; exiting anyway`);
      taskmock?.logger.flush();
      process.exit(exitCode);
    }, SHUTDOWN_GRACE_MS).unref();
    await taskmock.shutdown();
    removeReadyFile(config.readyFile);
    taskmock.logger.flush();
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stop('received SIGINT'));
  process.on('SIGTERM', () => void stop('received SIGTERM'));
  taskmock = start(config);
  const at = listeningAt(taskmock.url, taskmock.server.port ?? config.port);
  printOut(banner(config, at, VERSION));
  if (config.readyFile) {
    try {
      writeReadyFile(config.readyFile, at, process.pid);
    } catch (error) {
      printErr(`taskmock: READY_FILE / --ready-file: could not write ${config.readyFile}: ${error}\n`);
      await taskmock.shutdown();
      removeFiles(taskmock.createdFiles);
      process.exit(2);
    }
  }
  // npm stops a script by signalling the shell it runs it in, which dies without passing the
  // signal on; a server started that way stops when its parent goes (docs/behaviour.md).
  if (startedByNpm(process.env)) watchParent(() => void stop('the process that started taskmock exited'));
}

const { command, config } = parse();
if (command === 'help') {
  printOut(helpText(VERSION));
} else if (command === 'version') {
  printOut(`${VERSION}\n`);
} else if (command === 'healthcheck') {
  process.exit(await healthcheck(config));
} else if (command === 'check') {
  const { ok, report } = checkDatabaseFile(config.databasePath);
  const details = ok ? '' : `${report.join('\n')}\n`;
  printOut(`${config.databasePath}: ${ok ? 'ok' : 'needs attention (see docs/reliability.md)'}\n${details}`);
  process.exit(ok ? 0 : 1);
} else {
  await serve(config);
}
