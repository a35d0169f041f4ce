// Writes the Prometheus text exposition format, version 0.0.4: each family's `# HELP` and
// `# TYPE` lines, then its samples, one per line, ending in a newline.
import type { Histogram } from './histogram.ts';

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge' | 'histogram';
export type Labels = Readonly<Record<string, string>>;

/** A label value: backslash, double quote and line feed are escaped. */
const escapeLabel = (value: string): string => value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

/** HELP text: backslash and line feed are escaped (quotes are not, in this format). */
const escapeHelp = (text: string): string => text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));

/** Go's ParseFloat reads what JavaScript prints, except the infinities. */
function formatValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function labelText(labels: Labels | undefined): string {
  const pairs = Object.entries(labels ?? {});
  if (pairs.length === 0) return '';
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}`;
}

export class Exposition {
  private readonly lines: string[] = [];

  /** Starts a family: every sample written until the next `family` belongs to it. */
  family(name: string, type: MetricType, help: string): this {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, value: number, labels?: Labels): this {
    this.lines.push(`${name}${labelText(labels)} ${formatValue(value)}`);
    return this;
  }

  /** A histogram's cumulative `_bucket` series (ending in `le="+Inf"`), `_sum` and `_count`. */
  histogram(name: string, histogram: Histogram, labels?: Labels): this {
    let cumulative = 0;
    histogram.bounds.forEach((bound, index) => {
      cumulative += histogram.counts[index]!;
      this.sample(`${name}_bucket`, cumulative, { ...labels, le: formatValue(bound) });
    });
    this.sample(`${name}_bucket`, histogram.count, { ...labels, le: '+Inf' });
    this.sample(`${name}_sum`, histogram.sum, labels);
    return this.sample(`${name}_count`, histogram.count, labels);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
