// A key's own fault profile (§11, §13): given when the key is issued (`PUT /admin/keys/:name` with
// `"faults": "flaky"` or a profile), stored with the key, in force for every workspace of the key
// that has no profile of its own. Stored as given: a preset name or a profile object.
import { isPresetName, type NamedProfile, presetProfile } from './presets.ts';
import { validateProfile } from './profile.ts';
import type { KeyProfileLookup } from './resolver.ts';

/**
 * Checks the `faults` of a key being issued: a preset name as it is, a profile as its clean copy.
 * Throws FaultProfileError naming the field (`faults.errorRate must be …`).
 */
export function checkKeyFaults(faults: object): object {
  return validateProfile(faults);
}

/** What the key ring says about keys' faults (the key ring itself is one). */
export interface KeyFaults {
  /** What the key of a hash was issued with as its faults (a preset name, a profile), or null. */
  faultsOf: (keyHash: string) => unknown;
  /** Whether any key has faults at all. */
  anyFaults: () => boolean;
}

/**
 * The lookup the resolver asks for a key's profile. `faultsOf` reads what the key was issued with
 * (null for none). Each stored value maps to one NamedProfile object for as long as it is the
 * key's: the resolver keeps a workspace's draw sequence while its profile object stays the same.
 */
export function keyProfileLookup({ faultsOf, anyFaults }: KeyFaults): KeyProfileLookup {
  const presets = new Map<string, NamedProfile>();
  const profiles = new WeakMap<object, NamedProfile>();
  const profileOf = (keyHash: string): NamedProfile | undefined => {
    const faults = faultsOf(keyHash);
    if (isPresetName(faults)) {
      let named = presets.get(faults);
      if (!named) presets.set(faults, (named = presetProfile(faults)));
      return named;
    }
    if (faults === null || typeof faults !== 'object') return undefined;
    let named = profiles.get(faults);
    if (!named) profiles.set(faults, (named = checkedOrNone(faults)));
    return named;
  };
  return { profileOf, any: anyFaults };
}

/** Checked when the key was issued; a stored profile that no longer passes (a hand-edited file) is none. */
function checkedOrNone(faults: object): NamedProfile {
  try {
    return { profile: validateProfile(faults) };
  } catch {
    return presetProfile('none');
  }
}
