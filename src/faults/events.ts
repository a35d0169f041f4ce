// Every injected fault is announced here, so the journal (§13) and the logs can record it.
import type { WorkspaceRef } from '../domain/model.ts';

export type FaultKind = 'latency' | 'error' | 'reset' | 'refuse' | 'drop' | 'delay' | 'failure';

export interface FaultEvent {
  kind: FaultKind;
  ref: WorkspaceRef;
  /** When it was injected (ms since the epoch, real time). */
  at: number;
  /** The request it hit (HTTP faults and refused upgrades), path without the query string. */
  method?: string;
  path?: string;
  /** The injected status (error, refuse), the delay (latency, delay, drop), the failed task. */
  status?: number;
  ms?: number;
  taskId?: number;
}

export type FaultListener = (event: FaultEvent) => void;

export type FaultEvents = ReturnType<typeof createFaultEvents>;

export function createFaultEvents() {
  const listeners = new Set<FaultListener>();
  return {
    /** Subscribes to every fault from now on; returns the unsubscribe function. */
    onFault(listener: FaultListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: FaultEvent): void {
      for (const listener of listeners) listener(event);
    },
  };
}

/** The path of a request URL, without its query string (which may hold the API key). */
export function pathOf(url: string): string {
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const queryStart = url.indexOf('?', pathStart);
  return url.slice(pathStart, queryStart === -1 ? undefined : queryStart);
}
