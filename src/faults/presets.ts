// The named profiles of SPEC §11, and how a profile is named in settings: a preset name, inline
// JSON, or `@path/to/file.json`.
import { readFileSync } from 'node:fs';
import { type FaultProfile, FaultProfileError, validateProfile } from './profile.ts';

export const PRESETS = {
  none: {},
  slow: { latencyMs: [300, 1500], stream: { delayMs: [100, 500] } },
  flaky: {
    latencyMs: [50, 400],
    errorRate: 0.05,
    errorStatuses: [500, 502, 503, 429],
    resetRate: 0.01,
    stream: { dropAfterMs: [20_000, 60_000], refuseRate: 0.1, delayMs: [0, 300] },
    tasks: { failRate: 0.05 },
  },
  // The spec fixes the rates; the statuses add 504 (a gateway timing out is what chaos looks like
  // behind a proxy) and messages wait up to a second, so a UI also meets a stream that lags.
  chaos: {
    latencyMs: [0, 2000],
    errorRate: 0.2,
    errorStatuses: [500, 502, 503, 504, 429],
    resetRate: 0.02,
    stream: { dropAfterMs: [5_000, 20_000], refuseRate: 0.3, delayMs: [0, 1000] },
    tasks: { failRate: 0.2 },
  },
} as const satisfies Record<string, FaultProfile>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** A profile in force, with the preset it came from when it came from one. */
export interface NamedProfile {
  preset?: PresetName;
  profile: FaultProfile;
}

export function isPresetName(value: unknown): value is PresetName {
  return typeof value === 'string' && Object.hasOwn(PRESETS, value);
}

export function presetProfile(name: PresetName): NamedProfile {
  return { preset: name, profile: PRESETS[name] };
}

/** Reads the FAULTS setting. Throws FaultProfileError (the caller adds the setting's name). */
export function parseFaultsSetting(raw: string): NamedProfile {
  const text = raw.trim();
  if (text.startsWith('@')) return { profile: parseJsonProfile(readProfileFile(text.slice(1)), `file ${text.slice(1)}`) };
  if (text.startsWith('{')) return { profile: parseJsonProfile(text, 'JSON') };
  const name = text.toLowerCase();
  if (isPresetName(name)) return presetProfile(name);
  throw new FaultProfileError(`must be a preset (${PRESET_NAMES.join(', ')}), a JSON profile or @file.json, got "${raw}"`);
}

function readProfileFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new FaultProfileError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

function parseJsonProfile(text: string, what: string): FaultProfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FaultProfileError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
  return validateProfile(value);
}
