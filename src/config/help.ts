// `taskmock --help`: fits 80 columns, shows what each value looks like, its variable and default,
// and a few commands worth copying.
import { SETTINGS } from './config.ts';

const WIDTH = 80;
const DESCRIPTION_INDENT = '      ';
const COMMAND_COLUMN = 33;

/** Breaks `text` into lines of at most WIDTH columns, each starting with `indent`. */
function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    if (line.length > indent.length && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent;
    }
    line += line.length > indent.length ? ` ${word}` : word;
  }
  lines.push(line);
  return lines;
}

/** `--port <n>  PORT  default 8700`, then the description; a default too wide goes below. */
function optionRows(): string[] {
  return SETTINGS.flatMap((setting) => {
    const usage = `  --${setting.flag} ${setting.placeholder ?? '<value>'}`.padEnd(36);
    const fallback = setting.defaultValue === undefined ? '' : `default ${setting.defaultValue}`;
    const head = `${usage} ${setting.env.padEnd(27)} ${fallback}`.trimEnd();
    if (head.length <= WIDTH) return [head, ...wrap(setting.help, DESCRIPTION_INDENT)];
    return [`${usage} ${setting.env}`, ...wrap(`${setting.help} (${fallback})`, DESCRIPTION_INDENT)];
  });
}

/** `  command   what it does`, the description wrapped, or on its own line below a long command. */
function commandRows(rows: [string, string][]): string[] {
  const indent = ' '.repeat(COMMAND_COLUMN);
  return rows.flatMap(([command, description]) => {
    const lines = wrap(description, indent);
    const head = `  ${command}`;
    if (head.length < COMMAND_COLUMN) lines[0] = head.padEnd(COMMAND_COLUMN) + lines[0]!.trimStart();
    else lines.unshift(head);
    return lines;
  });
}

export function helpText(version: string): string {
  return [
    `taskmock ${version}: a mock task-queue backend with a live WebSocket stream`,
    '',
    'Usage:',
    ...commandRows([
      ['taskmock [serve] [options]', 'start the server (the default command)'],
      ['taskmock healthcheck', 'exit 0 if the server on --port answers /health'],
      ['taskmock check --db <file>', "integrity check of a stopped server's database: exit 0 if ok, 1 if not"],
      ['taskmock help | --help', 'this text'],
      ['taskmock version | --version', 'the version'],
    ]),
    '',
    'Options (each is also read from the environment variable shown; the flag wins):',
    ...optionRows(),
    '',
    'Examples:',
    ...commandRows([
      ['taskmock --port 0 --db :memory:', 'a throwaway server on a free port'],
      ['API_KEYS=team-a,team-b taskmock --time-scale 10', 'two keys, everything ten times faster'],
      ['taskmock --log-format json --port 0 --ready-file /tmp/taskmock.json', 'for CI: the port is in the file'],
    ]),
    '',
  ].join('\n');
}
