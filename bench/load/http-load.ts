// Fallback HTTP load generator when wrk is missing: `connections` fetch loops for `seconds`,
// run in its own process. Prints one JSON line: {rps, p99Ms, failures}.
import type { LoadResult, LoadSpec } from '../lib/http-load.ts';
import { percentile } from '../lib/stats.ts';

async function loop(spec: LoadSpec, until: number, latencies: number[]): Promise<number> {
  let failures = 0;
  const init: RequestInit = {
    method: spec.method,
    body: spec.body,
    headers: spec.body ? { 'content-type': 'application/json' } : {},
  };
  while (performance.now() < until) {
    const began = performance.now();
    const response = await fetch(spec.url, init);
    await response.arrayBuffer();
    latencies.push(performance.now() - began);
    if (!response.ok) failures++;
  }
  return failures;
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const latencies: number[] = [];
const began = performance.now();
const until = began + spec.seconds * 1000;
const failures = await Promise.all(Array.from({ length: spec.connections }, () => loop(spec, until, latencies)));
const elapsed = (performance.now() - began) / 1000;
const result: LoadResult = {
  rps: latencies.length / elapsed,
  p99Ms: percentile(latencies, 0.99),
  failures: failures.reduce((a, b) => a + b, 0),
};
console.log(JSON.stringify(result));
