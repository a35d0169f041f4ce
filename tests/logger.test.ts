// The request line a person watches in the terminal: `request()` builds it from cached pieces, and
// it must read exactly as the general `info()` line with the same fields, in every format.
import { expect, test } from 'bun:test';
import { createLogger } from '../src/config/logger.ts';

const withoutTime = (line: string) => line.replace(/^\d\d:\d\d:\d\d\.\d{3} /, '').replace(/"time":"[^"]+",/, '');

function collected(format: 'pretty' | 'json', level: 'info' | 'warn' = 'info') {
  const lines: string[] = [];
  return { logger: createLogger({ level, format, write: (line) => lines.push(line) }), lines };
}

test.each(['pretty', 'json'] as const)('a %s request line reads as the info line with status and ms', (format) => {
  const { logger, lines } = collected(format);
  const cases: [string, number, number][] = [
    ['GET /tasks', 200, 0.1],
    ['POST /tasks', 400, 0],
    ['GET /tasks', 200, 12.3],
    ['GET /tasks', 304, 1500],
    ['upgrade /ws/tasks', 101, 2.5],
    ['DELETE /tasks/7', 404, 0.1],
  ];
  for (const [line, status, ms] of cases) {
    logger.request(line, status, ms);
    logger.info(line, { status, ms });
  }
  expect(lines).toHaveLength(cases.length * 2);
  for (let i = 0; i < lines.length; i += 2) expect(withoutTime(lines[i]!)).toBe(withoutTime(lines[i + 1]!));
  if (format === 'pretty') expect(withoutTime(lines[6]!)).toBe('INFO  GET /tasks status=304 ms=1500');
});

test('the same status and duration on another route is not taken from the cache of the first', () => {
  const { logger, lines } = collected('pretty');
  logger.request('GET /tasks', 200, 0.3);
  logger.request('GET /health', 200, 0.3);
  logger.request('GET /tasks', 201, 0.3);
  expect(lines.map(withoutTime)).toEqual([
    'INFO  GET /tasks status=200 ms=0.3',
    'INFO  GET /health status=200 ms=0.3',
    'INFO  GET /tasks status=201 ms=0.3',
  ]);
});

test('thousands of different durations are all written correctly (the cache of endings is bounded)', () => {
  const { logger, lines } = collected('pretty');
  for (let tenths = 0; tenths < 10_000; tenths++) logger.request('GET /tasks', 200, tenths / 10);
  expect(lines).toHaveLength(10_000);
  expect(withoutTime(lines[9_999]!)).toBe('INFO  GET /tasks status=200 ms=999.9');
  expect(withoutTime(lines[4_321]!)).toBe('INFO  GET /tasks status=200 ms=432.1');
});

test('at warn, request lines are not written', () => {
  const { logger, lines } = collected('pretty', 'warn');
  logger.request('GET /tasks', 200, 0.1);
  logger.warn('disk nearly full');
  expect(lines.map(withoutTime)).toEqual(['WARN  disk nearly full']);
});
