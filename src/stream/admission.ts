// Who may open a socket on `GET /ws/tasks`: every check of SPEC §3, in the order of §1's table,
// before the upgrade, and a connection slot taken with no await in between, so concurrent
// upgrades can never exceed the workspace's limit. The slot is the one count of a workspace's
// connections (workspaces.ts holds it); it is given back exactly once, however the socket ends.
import type { KeyRing } from '../domain/keys.ts';
import { errors } from '../domain/errors.ts';
import type { WorkspaceRef } from '../domain/model.ts';
import type { Workspaces } from '../domain/workspaces.ts';
import { identifyWorkspace } from '../http/caller.ts';
import { parseStreamRequest, type StreamRequest } from './formats.ts';

/** A socket that passed the checks but has not opened yet gives its slot back after this long. */
const PENDING_OPEN_MS = 10_000;

/** RFC 6455: the key is 16 random bytes in base64, the version is 13. */
const HANDSHAKE_KEY = /^[A-Za-z0-9+/]{22}==$/;

/** One admitted connection, holding one of its workspace's slots from the upgrade until it closes. */
export interface Slot {
  ref: WorkspaceRef;
  /** The format (and resume point) the socket asked for. */
  request: StreamRequest;
  released: boolean;
  pendingTimer: ReturnType<typeof setTimeout> | undefined;
}

type Fields = Record<string, string | undefined>;

/**
 * Bun refuses such handshakes itself, but only after the slot was taken and with no close event to
 * give it back; checking first keeps the connection count exact.
 */
function assertValidHandshake(headers: Fields): void {
  if (!HANDSHAKE_KEY.test(headers['sec-websocket-key']?.trim() ?? '')) throw errors.invalidHandshake();
  if (headers['sec-websocket-version']?.trim() !== '13') throw errors.invalidHandshake();
}

export function createAdmission(options: { keyRing: KeyRing; workspaces: Workspaces }) {
  const { keyRing, workspaces } = options;

  function release(slot: Slot): void {
    if (slot.released) return;
    slot.released = true;
    clearTimeout(slot.pendingTimer);
    workspaces.connectionClosed(slot.ref);
  }

  return {
    release,

    /** Checks the request and takes a slot, or throws the contract's error. */
    admit(query: Fields, headers: Fields, url: string, seen?: (ref: WorkspaceRef) => void): Slot {
      const ref = identifyWorkspace(keyRing, query, (name) => headers[name], url, seen);
      const request = parseStreamRequest(query, url);
      assertValidHandshake(headers);
      workspaces.assertCanUse(ref);
      if (workspaces.connectionCount(ref) >= keyRing.limitsFor(ref.keyHash).maxWorkspaceConnections) {
        throw errors.tooManyConnections();
      }
      workspaces.connectionOpened(ref);
      const slot: Slot = { ref, request, released: false, pendingTimer: undefined };
      // If the handshake never completes (the client vanished, Bun refused the upgrade), no close
      // event will ever come: give the slot back on a timer instead of leaking it.
      slot.pendingTimer = setTimeout(() => release(slot), PENDING_OPEN_MS);
      slot.pendingTimer.unref();
      return slot;
    },

    /** The socket opened: its slot is now given back by its close event. False if it already lapsed. */
    opened(slot: Slot): boolean {
      clearTimeout(slot.pendingTimer);
      slot.pendingTimer = undefined;
      return !slot.released;
    },
  };
}
