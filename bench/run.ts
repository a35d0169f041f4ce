// `bun run bench [--quick] [--only name[,name]]`: runs each scenario against its bare baseline in
// this same run, prints one markdown table and writes it to bench/RESULTS.md (a full run only;
// `--out FILE` writes any run's table to FILE).
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { loadTool } from './lib/http-load.ts';
import { markdownTable, resultsDocument, skipped, type Row } from './lib/report.ts';
import { SCENARIOS } from './scenarios/index.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
  },
});

const names = values.only ? values.only.split(',').map((name) => name.trim()) : SCENARIOS.map((s) => s.name);
const unknown = names.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const rows: Row[] = [];
const notes: string[] = [];
const began = performance.now();
for (const scenario of SCENARIOS.filter((s) => names.includes(s.name))) {
  console.error(`[bench] ${scenario.name} …`);
  const scenarioBegan = performance.now();
  try {
    rows.push(...(await scenario.run({ quick: values.quick, note: (text) => notes.push(text) })));
  } catch (error) {
    console.error(`[bench] ${scenario.name} failed:`, error);
    rows.push(skipped(scenario.title, scenario.target, `failed: ${(error as Error).message.split('\n')[0]}`));
  }
  console.error(`[bench] ${scenario.name} took ${((performance.now() - scenarioBegan) / 1000).toFixed(1)} s`);
}

const command = `bun run bench${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
const seconds = (performance.now() - began) / 1000;
const document = resultsDocument(rows, { command, loadTool, notes, seconds });
console.log(markdownTable(rows));
// A partial or quick run must not replace the full table of record: it writes only where told.
const partial = values.quick || values.only !== undefined;
const out = values.out ?? (partial ? undefined : join(import.meta.dir, 'RESULTS.md'));
if (out) {
  await Bun.write(out, document);
  console.error(`[bench] wrote ${out} (${seconds.toFixed(0)} s)`);
} else {
  console.error(`[bench] partial run: bench/RESULTS.md left as it was (use --out FILE to keep this table)`);
}
