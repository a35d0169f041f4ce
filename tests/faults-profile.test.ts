// Fault profiles (§11): presets, validation with messages naming the field, and the FAULTS setting.
import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { ConfigError, parseCommandLine } from '../src/config/config.ts';
import { PRESETS, parseFaultsSetting } from '../src/faults/presets.ts';
import { FaultProfileError, validateProfile } from '../src/faults/profile.ts';
import { runMain } from './process.ts';
import { tempDir } from './helpers.ts';

const refusal = (value: unknown) => {
  try {
    validateProfile(value);
  } catch (error) {
    expect(error).toBeInstanceOf(FaultProfileError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('a fault profile is checked field by field', () => {
  test.each([
    [{ latencyMs: [50] }, 'faults.latencyMs must be [min, max] with 0 ≤ min ≤ max'],
    [{ latencyMs: [400, 50] }, 'faults.latencyMs must be [min, max] with 0 ≤ min ≤ max'],
    [{ latencyMs: [-1, 5] }, 'faults.latencyMs must be [min, max]'],
    [{ errorRate: 1.5 }, 'faults.errorRate must be a number from 0 to 1'],
    [{ errorRate: '0.1' }, 'faults.errorRate must be a number from 0 to 1'],
    [{ errorStatuses: [200] }, 'faults.errorStatuses must be a non-empty list of HTTP statuses from 400 to 599'],
    [{ errorStatuses: [] }, 'faults.errorStatuses must be a non-empty list'],
    [{ stream: { dropAfterMs: [5, 1] } }, 'faults.stream.dropAfterMs must be [min, max]'],
    [{ stream: { refuseRate: -0.1 } }, 'faults.stream.refuseRate must be a number from 0 to 1'],
    [{ stream: 'yes' }, 'faults.stream must be an object'],
    [{ tasks: { failRate: 2 } }, 'faults.tasks.failRate must be a number from 0 to 1'],
    [{ latency: [1, 2] }, 'faults has unknown field "latency"'],
    [{ stream: { dropMs: [1, 2] } }, 'faults.stream has unknown field "dropMs"'],
    [[1, 2], 'faults must be an object'],
  ])('%j is refused: %s', (profile, message) => {
    expect(refusal(profile)).toContain(message);
  });

  test('every preset is a valid profile, and flaky is the SPEC example', () => {
    for (const profile of Object.values(PRESETS)) expect(validateProfile(profile)).toEqual(profile as never);
    expect(PRESETS.flaky).toEqual({
      latencyMs: [50, 400],
      errorRate: 0.05,
      errorStatuses: [500, 502, 503, 429],
      resetRate: 0.01,
      stream: { dropAfterMs: [20000, 60000], refuseRate: 0.1, delayMs: [0, 300] },
      tasks: { failRate: 0.05 },
    });
  });
});

describe('FAULTS / --faults', () => {
  const faultsOf = (flags: string[], env: Record<string, string> = {}) => parseCommandLine(flags, env).config.faults;

  test('defaults to none; takes a preset name, inline JSON or @file', () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'profile.json');
      Bun.write(file, '{"errorRate": 0.5}');
      expect(faultsOf([])).toEqual({ preset: 'none', profile: {} });
      expect(faultsOf(['--faults', 'Flaky'])).toEqual({ preset: 'flaky', profile: PRESETS.flaky });
      expect(faultsOf([], { FAULTS: '{"latencyMs": [1, 2]}' })).toEqual({ profile: { latencyMs: [1, 2] } });
      expect(parseFaultsSetting(`@${file}`)).toEqual({ profile: { errorRate: 0.5 } });
    } finally {
      dir.cleanup();
    }
  });

  test.each([
    [['--faults', 'wobbly'], {}, '--faults: must be a preset (none, slow, flaky, chaos)'],
    [[], { FAULTS: '{"errorRate": 3}' }, 'FAULTS: faults.errorRate must be a number from 0 to 1'],
    [['--faults', '{nope'], {}, '--faults: JSON is not valid JSON'],
    [['--faults', '@/no/such/profile.json'], {}, '--faults: cannot read /no/such/profile.json'],
  ])('%j %j stops the program naming the setting', (flags, env, message) => {
    expect(() => parseCommandLine(flags, env)).toThrow(ConfigError);
    expect(() => parseCommandLine(flags, env)).toThrow(message);
  });

  test('a bad profile stops the real program at start, naming FAULTS', async () => {
    const { exitCode, stderr } = await runMain(['--db', ':memory:'], { FAULTS: '{"latencyMs": [9, 1]}' });
    expect(exitCode).toBe(2);
    expect(stderr).toContain('FAULTS: faults.latencyMs must be [min, max] with 0 ≤ min ≤ max');
  });
});
