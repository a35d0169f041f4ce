// The watched workspaces: each one's topic and its open sockets, present only while it has one.
// This is the one count of open sockets; admission.ts's slots also count upgrades not yet open,
// which is what the connection limit needs.
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import type { StreamFormat } from './formats.ts';
import { type Topic, workspaceTopic } from './publisher.ts';

export interface WatchedTopic<S> extends Topic {
  sockets: Set<S>;
}

export function createTopics<S>() {
  const topics = new Map<string, WatchedTopic<S>>();
  /** Open list-format sockets: the resend tick's timer exists only while there is one. */
  let listSockets = 0;

  return {
    /** By workspace key, for the publisher. */
    byKey: topics as ReadonlyMap<string, WatchedTopic<S>>,

    get: (ref: WorkspaceRef): WatchedTopic<S> | undefined => topics.get(workspaceKey(ref)),

    /** Adds an open socket; the workspace's topic is made for its first one. */
    join(ref: WorkspaceRef, socket: S, format: StreamFormat): WatchedTopic<S> {
      const key = workspaceKey(ref);
      let topic = topics.get(key);
      if (!topic) {
        topic = {
          ref,
          name: workspaceTopic(ref),
          formats: { list: 0, envelope: 0, patch: 0 },
          published: { list: 0, envelope: 0, patch: 0 },
          sockets: new Set(),
        };
        topics.set(key, topic);
      }
      topic.sockets.add(socket);
      topic.formats[format]++;
      if (format === 'list') listSockets++;
      return topic;
    },

    /** Removes a socket; false if it never joined (refused on open). */
    leave(ref: WorkspaceRef, socket: S, format: StreamFormat): boolean {
      const key = workspaceKey(ref);
      const topic = topics.get(key);
      if (!topic?.sockets.delete(socket)) return false;
      topic.formats[format]--;
      if (topic.sockets.size === 0) topics.delete(key);
      if (format === 'list') listSockets--;
      return true;
    },

    /** Topics with list-format sockets: the only ones the resend tick publishes to (SPEC §12). */
    *withListSockets(): Generator<WatchedTopic<S>> {
      for (const topic of topics.values()) if (topic.formats.list > 0) yield topic;
    },

    hasListSockets: (): boolean => listSockets > 0,

    openCount(): number {
      let count = 0;
      for (const topic of topics.values()) count += topic.sockets.size;
      return count;
    },

    /** Every open socket, or those of one key (by its identity), copied so they can be closed. */
    sockets(keyHash?: string): S[] {
      const found: S[] = [];
      for (const topic of topics.values())
        if (keyHash === undefined || topic.ref.keyHash === keyHash) found.push(...topic.sockets);
      return found;
    },
  };
}
