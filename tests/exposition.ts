// A strict reader of the Prometheus text exposition format (0.0.4), for tests: promtool is not on
// this machine, so this is the proof that /metrics parses. It throws, naming the line, on anything
// a scraper could reject or misread: a line that is not HELP, TYPE or a sample; HELP and TYPE out
// of place or repeated; a sample outside its family; a bad name, label or number; a duplicate
// series; a histogram whose buckets do not climb to `le="+Inf"` equal to `_count`, or lack `_sum`.

export type Labels = Record<string, string>;
export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}
export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NUMBER = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]Inf|NaN)$/;

class FormatError extends Error {
  override readonly name = 'FormatError';
  constructor(line: number, text: string, problem: string) {
    super(`line ${line}: ${problem}: ${JSON.stringify(text)}`);
  }
}

function parseNumber(text: string): number {
  if (!NUMBER.test(text)) throw new Error(`not a number: ${text}`);
  if (text.endsWith('Inf')) return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number(text);
}

/** `{a="x",b="y"}` starting at `start`; answers the labels and the index after the `}`. */
function parseLabels(text: string, start: number): { labels: Labels; end: number } {
  const labels: Labels = {};
  let at = start + 1;
  while (text[at] !== '}') {
    const equals = text.indexOf('=', at);
    if (equals === -1) throw new Error('label without a value');
    const name = text.slice(at, equals);
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`bad label name ${name}`);
    if (name in labels) throw new Error(`label ${name} twice`);
    if (text[equals + 1] !== '"') throw new Error('label value not quoted');
    let value = '';
    let i = equals + 2;
    for (; ; i++) {
      const c = text[i];
      if (c === undefined || c === '\n') throw new Error('unterminated label value');
      if (c === '"') break;
      if (c === '\\') {
        const escaped = text[++i];
        if (escaped === 'n') value += '\n';
        else if (escaped === '\\' || escaped === '"') value += escaped;
        else throw new Error(`bad escape \\${escaped}`);
      } else value += c;
    }
    labels[name] = value;
    at = i + 1;
    if (text[at] === ',') at++;
    else if (text[at] !== '}') throw new Error('expected , or } after a label');
  }
  return { labels, end: at + 1 };
}

function parseSample(text: string): Sample {
  const nameEnd = text.search(/[{ ]/);
  if (nameEnd === -1) throw new Error('no value');
  const name = text.slice(0, nameEnd);
  if (!METRIC_NAME.test(name)) throw new Error(`bad metric name ${name}`);
  let labels: Labels = {};
  let rest = nameEnd;
  if (text[nameEnd] === '{') ({ labels, end: rest } = parseLabels(text, nameEnd));
  if (text[rest] !== ' ') throw new Error('expected one space before the value');
  const fields = text.slice(rest + 1).split(' ');
  // A timestamp is allowed by the format, but taskmock never writes one.
  if (fields.length !== 1) throw new Error('expected only a value (no timestamp)');
  return { name, labels, value: parseNumber(fields[0]!) };
}

/** Which family a sample's name belongs to, given the family in force. */
function belongs(family: Family, sampleName: string): boolean {
  if (family.type !== 'histogram') return sampleName === family.name;
  return ['_bucket', '_sum', '_count'].some((suffix) => sampleName === family.name + suffix);
}

const seriesKey = (sample: Sample) =>
  `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort(([a], [b]) => a.localeCompare(b)))}`;

const withoutLe = (labels: Labels) =>
  JSON.stringify(
    Object.entries(labels)
      .filter(([name]) => name !== 'le')
      .sort(),
  );

function checkHistogram(family: Family): void {
  const groups = new Map<string, Sample[]>();
  for (const sample of family.samples) {
    const key = withoutLe(sample.labels);
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  for (const [key, samples] of groups) {
    const where = `${family.name}${key}`;
    const buckets = samples.filter((sample) => sample.name === `${family.name}_bucket`);
    const count = samples.find((sample) => sample.name === `${family.name}_count`);
    const sum = samples.find((sample) => sample.name === `${family.name}_sum`);
    if (!count || !sum) throw new Error(`${where}: histogram without _count or _sum`);
    if (buckets.some((bucket) => bucket.labels.le === undefined)) throw new Error(`${where}: bucket without le`);
    const bounds = buckets.map((bucket) => parseNumber(bucket.labels.le!));
    if (bounds.at(-1) !== Number.POSITIVE_INFINITY) throw new Error(`${where}: buckets do not end in le="+Inf"`);
    for (let i = 1; i < buckets.length; i++) {
      if (!(bounds[i]! > bounds[i - 1]!)) throw new Error(`${where}: le not increasing`);
      if (buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${where}: buckets not cumulative`);
    }
    if (buckets.at(-1)!.value !== count.value) throw new Error(`${where}: le="+Inf" is not _count`);
  }
}

/** Parses `text` or throws; every family, in order. */
export function parseExposition(text: string): Family[] {
  if (!text.endsWith('\n')) throw new Error('the document does not end in a line feed');
  const families: Family[] = [];
  const named = new Map<string, Family>();
  const series = new Set<string>();
  let pendingHelp: { name: string; help: string } | undefined;
  let current: Family | undefined;
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, index) => {
      const fail = (problem: string) => new FormatError(index + 1, line, problem);
      const help = /^# HELP ([^ ]+) (.*)$/.exec(line);
      const type = /^# TYPE ([^ ]+) (counter|gauge|histogram)$/.exec(line);
      if (help) {
        if (pendingHelp || named.has(help[1]!)) throw fail('HELP repeated or out of place');
        if (!METRIC_NAME.test(help[1]!)) throw fail('bad metric name');
        if (/\\(?!n)/.test(help[2]!.replace(/\\\\/g, ''))) throw fail('bad escape in HELP');
        pendingHelp = { name: help[1]!, help: help[2]! };
        current = undefined;
      } else if (type) {
        if (!pendingHelp || pendingHelp.name !== type[1]) throw fail('TYPE without the HELP of the same name just before');
        current = { name: type[1]!, type: type[2] as Family['type'], help: pendingHelp.help, samples: [] };
        if (current.type === 'counter' && !current.name.endsWith('_total')) throw fail('counter not named _total');
        families.push(current);
        named.set(current.name, current);
        pendingHelp = undefined;
      } else {
        if (line.startsWith('#') || line.trim() === '') throw fail('not HELP, TYPE or a sample');
        let sample: Sample;
        try {
          sample = parseSample(line);
        } catch (error) {
          throw fail((error as Error).message);
        }
        if (!current || !belongs(current, sample.name)) throw fail('sample outside its family');
        if (current.type === 'counter' && !(sample.value >= 0)) throw fail('counter below zero');
        const key = seriesKey(sample);
        if (series.has(key)) throw fail('duplicate series');
        series.add(key);
        current.samples.push(sample);
      }
    });
  if (pendingHelp) throw new Error(`HELP of ${pendingHelp.name} without TYPE`);
  for (const family of families) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The value of the one sample of `name` whose labels include `labels`; undefined if none. */
export function sampleValue(families: Family[], name: string, labels: Labels = {}): number | undefined {
  const matches = families
    .flatMap((family) => family.samples)
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  if (matches.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${matches.length} series`);
  return matches[0]?.value;
}
