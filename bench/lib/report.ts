// The one results table: a row per measurement, printed as markdown and written to RESULTS.md
// with the machine's core count, the date and the Bun version.
import { cpus } from 'node:os';

export interface Row {
  scenario: string;
  baseline: string;
  taskmock: string;
  ratio: string;
  target: string;
  met: 'yes' | 'no' | 'n/a';
}

export const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

export const ratio = (taskmock: number, baseline: number): string => `${fmt(taskmock / baseline, 2)}×`;

export const met = (ok: boolean): Row['met'] => (ok ? 'yes' : 'no');

/** A row for a scenario that could not run (say, the stream is not there yet). */
export const skipped = (scenario: string, target: string, why: string): Row => ({
  scenario,
  baseline: 'n/a',
  taskmock: `not run: ${why}`,
  ratio: 'n/a',
  target,
  met: 'n/a',
});

export function markdownTable(rows: readonly Row[]): string {
  const escapeCell = (cell: string) => cell.replaceAll('|', '\\|');
  const lines = [
    '| scenario | baseline | taskmock | ratio | target | met? |',
    '|---|---:|---:|---:|---|:---:|',
    ...rows.map(
      (row) => `| ${[row.scenario, row.baseline, row.taskmock, row.ratio, row.target, row.met].map(escapeCell).join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
}

export interface RunInfo {
  command: string;
  loadTool: string;
  notes: readonly string[];
  seconds: number;
}

export function resultsDocument(rows: readonly Row[], info: RunInfo): string {
  return [
    '# taskmock benchmark results',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${process.platform}-${process.arch}`,
    `- Bun: ${Bun.version}`,
    `- command: \`${info.command}\` (took ${fmt(info.seconds)} s)`,
    `- HTTP load generator: ${info.loadTool}; every server and load generator is its own process on 127.0.0.1`,
    '- taskmock runs as shipped: the compiled binary `dist/taskmock`, default settings, its request log at `info` written to a file',
    '',
    markdownTable(rows),
    '',
    ...info.notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}
