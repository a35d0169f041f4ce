// Which fault profile is in force for a workspace, most specific first: the workspace's own (set
// with PUT /control/faults), its key's (hosted mode, §13), the server's (FAULTS). With no profile
// anywhere (and no key issued with one), `faultsFor` is a boolean and a Set size: about 1 ns, so
// the hot path pays nothing measurable.
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import type { RandomSource } from '../domain/random.ts';
import type { NamedProfile } from './presets.ts';
import { type FaultProfile, isInert } from './profile.ts';

export type FaultScope = 'workspace' | 'key' | 'server';

/** The profile a workspace is under, and where it came from (what GET /control/faults reads). */
export interface ProfileInForce extends NamedProfile {
  scope: FaultScope;
}

/** Keys' own profiles (faults/key-profiles.ts): looked up by hash only while `any()` says some exist. */
export interface KeyProfileLookup {
  profileOf(keyHash: string): NamedProfile | undefined;
  any(): boolean;
}

/**
 * The faults of one workspace under one profile: the profile, and its draws. Each draw is a pure
 * function of (seed, workspace, kind, sequence number), so with SEED the same requests meet the
 * same faults whatever the timing; without it they come from Math.random().
 */
export interface WorkspaceFaults {
  readonly ref: WorkspaceRef;
  readonly profile: FaultProfile;
  readonly scope: FaultScope;
  /** True when HTTP answers can be faulted (latency, errors, resets). */
  readonly http: boolean;
  /** The next request's sequence number in this workspace (0, 1, 2, …). */
  nextRequest(): number;
  /** The next upgrade's sequence number in this workspace. */
  nextUpgrade(): number;
  /** A number in [0, 1) for the draw `kind` of sequence number `n` (and `part` within it). */
  draw(kind: string, n: number, part?: number): number;
}

export interface FaultResolverOptions {
  server: NamedProfile;
  random: RandomSource;
  keyProfile?: KeyProfileLookup;
}

export type FaultResolver = ReturnType<typeof createFaultResolver>;

function hasHttpFaults(profile: FaultProfile): boolean {
  return (profile.latencyMs?.[1] ?? 0) > 0 || (profile.errorRate ?? 0) > 0 || (profile.resetRate ?? 0) > 0;
}

export function createFaultResolver(options: FaultResolverOptions) {
  const { server, random, keyProfile } = options;
  const ownProfiles = new Map<string, NamedProfile>();
  /** Draw state per workspace, made when a workspace first meets a profile; dropped when it changes. */
  const states = new Map<string, { source: NamedProfile; faults: WorkspaceFaults }>();
  const inert = new WeakMap<NamedProfile, boolean>();
  const serverFaults = !isInert(server.profile);
  /** Server or workspace faults; keys' are asked for separately (they change with the key ring). */
  let anyFaults = serverFaults;

  function resolve(ref: WorkspaceRef): { scope: FaultScope; named: NamedProfile } {
    const own = ownProfiles.size > 0 ? ownProfiles.get(workspaceKey(ref)) : undefined;
    if (own) return { scope: 'workspace', named: own };
    const ofKey = keyProfile?.any() ? keyProfile.profileOf(ref.keyHash) : undefined;
    if (ofKey) return { scope: 'key', named: ofKey };
    return { scope: 'server', named: server };
  }

  function isInertProfile(named: NamedProfile): boolean {
    if (named === server) return !serverFaults;
    let answer = inert.get(named);
    if (answer === undefined) inert.set(named, (answer = isInert(named.profile)));
    return answer;
  }

  function stateFor(ref: WorkspaceRef, scope: FaultScope, named: NamedProfile): WorkspaceFaults {
    const key = workspaceKey(ref);
    const cached = states.get(key);
    if (cached && cached.source === named) return cached.faults;
    let requests = 0;
    let upgrades = 0;
    const prefix = `fault/${ref.keyHash}/${ref.workspaceId}/`;
    const faults: WorkspaceFaults = {
      ref,
      profile: named.profile,
      scope,
      http: hasHttpFaults(named.profile),
      nextRequest: () => requests++,
      nextUpgrade: () => upgrades++,
      draw: (kind, n, part = 0) => random(`${prefix}${kind}/${n}/${part}`),
    };
    states.set(key, { source: named, faults });
    return faults;
  }

  return {
    /** The profile in force for the workspace, and its scope. */
    inForce(ref: WorkspaceRef): ProfileInForce {
      const { scope, named } = resolve(ref);
      return { scope, ...named };
    },

    /** The workspace's faults, or null when the profile in force asks for none. */
    faultsFor(ref: WorkspaceRef): WorkspaceFaults | null {
      if (!anyFaults && !keyProfile?.any()) return null;
      const { scope, named } = resolve(ref);
      return isInertProfile(named) ? null : stateFor(ref, scope, named);
    },

    /**
     * Sets (or with null clears) the workspace's own profile. Its draws start again from sequence
     * number 0, so a test that sets a profile and then replays its requests meets the same faults.
     */
    setWorkspaceProfile(ref: WorkspaceRef, named: NamedProfile | null): void {
      const key = workspaceKey(ref);
      if (named) ownProfiles.set(key, named);
      else ownProfiles.delete(key);
      states.delete(key);
      anyFaults = serverFaults || ownProfiles.size > 0;
    },

    /** The workspace's own profile (by its `workspaceKey`), or undefined. */
    ownProfile: (key: string): NamedProfile | undefined => ownProfiles.get(key),
  };
}
