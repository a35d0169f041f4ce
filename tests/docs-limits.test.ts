// The limits table and the stream page follow the configuration they are given, including the
// stream's resend tick (STREAM_RESEND_MS, 0 for off).
import { describe, expect, test } from 'bun:test';
import { formatDuration, limitsInForce } from '../src/api-docs/limits.ts';
import { streamFormats } from '../src/api-docs/stream-formats.ts';
import type { Config } from '../src/config/config.ts';
import { testConfig } from './helpers.ts';

const withTick = (streamResendMs: number): Config => testConfig(['--stream-resend-ms', String(streamResendMs)]);
const row = (config: Config, what: string) => limitsInForce(config).find((limit) => limit.what.startsWith(what));

describe("the docs' limits", () => {
  test.each([
    [0.5, '0.5 ms'],
    [25, '25 ms'],
    [1000, '1 s'],
    [1250, '1.25 s'],
    [90_000, '1.5 min'],
    [300_000, '5 min'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test('the resend tick is listed with its value, or as off', () => {
    expect(row(withTick(250), 'Stream resend tick')?.value).toBe('every 250 ms');
    expect(row(withTick(0), 'Stream resend tick')?.value).toBe('off');
  });

  test("the stream page's list format names the tick in force, or says there is none", () => {
    const [list] = streamFormats(withTick(2000));
    expect(list!.sends.join(' ')).toContain('Every 2 s (`STREAM_RESEND_MS`');
    expect(streamFormats(withTick(0))[0]!.sends.join(' ')).toContain('No periodic resend on this server');
  });

  test('a time scale divides the pacing and the queue time', () => {
    const fast = testConfig(['--time-scale', '20']);
    expect(row(fast, 'Start pacing')?.value).toBe('5 ms');
    expect(row(fast, 'Time a new task stays queued')?.value).toBe('50 ms');
  });
});
