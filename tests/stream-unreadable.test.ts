// Issue 16, defect 3, for the stream's timers: a flush or a resend tick that meets a workspace whose
// list cannot be read (an SQLite error from a damaged file) must report that workspace and still
// publish every other one. A throw out of setImmediate or setInterval would end the process.
import { expect, test } from 'bun:test';
import type { Server } from 'bun';
import { workspaceKey, type WorkspaceRef } from '../src/domain/model.ts';
import { createCommitBatch } from '../src/storage/commit-batch.ts';
import { openDatabase } from '../src/storage/database.ts';
import type { Snapshots } from '../src/storage/snapshots.ts';
import type { ChangeHistory } from '../src/stream/history.ts';
import { createPublisher, workspaceTopic, type Topic } from '../src/stream/publisher.ts';
import { createResender } from '../src/stream/resend.ts';

const good: WorkspaceRef = { keyHash: 'k', workspaceId: 'good' };
const bad: WorkspaceRef = { keyHash: 'k', workspaceId: 'bad' };

function setup() {
  const topic = (ref: WorkspaceRef): Topic => ({
    ref,
    name: workspaceTopic(ref),
    formats: { list: 1, envelope: 0, patch: 0 },
    published: { list: 0, envelope: 0, patch: 0 },
  });
  const topics = new Map([
    [workspaceKey(bad), topic(bad)],
    [workspaceKey(good), topic(good)],
  ]);
  const snapshots = {
    tasksJson(ref: WorkspaceRef) {
      if (ref.workspaceId === 'bad') throw new Error('database disk image is malformed');
      return '[]';
    },
  } as unknown as Snapshots;
  const published: string[] = [];
  const server = { publish: (name: string) => published.push(name) } as unknown as Server<unknown>;
  const unreadable: string[] = [];
  const report = (ref: WorkspaceRef, error: unknown) => unreadable.push(`${ref.workspaceId}: ${(error as Error).message}`);
  const batch = createCommitBatch(openDatabase(':memory:'), () => {});
  return { topics, snapshots, server, published, unreadable, report, batch };
}

test('a flush reports the workspace it cannot read and publishes the others', () => {
  const { topics, snapshots, server, published, unreadable, report, batch } = setup();
  const publisher = createPublisher({ topics, snapshots, batch, history: {} as ChangeHistory, unreadable: report });
  publisher.attach(server);
  for (const ref of [bad, good]) publisher.changed({ ref, version: 1, changes: [] });
  publisher.flushNow();
  expect(unreadable).toEqual(['bad: database disk image is malformed']);
  expect(published).toEqual([workspaceTopic(good)]);
});

test('a resend tick reports the workspace it cannot read and resends the others', async () => {
  const { topics, snapshots, server, published, unreadable, report, batch } = setup();
  const resender = createResender({ intervalMs: 5, listTopics: () => topics.values(), snapshots, batch, unreadable: report });
  resender.attach(server);
  resender.watched(true);
  try {
    const { promise, resolve } = Promise.withResolvers<void>();
    const poll = setInterval(() => published.length > 0 && resolve(), 1);
    await promise;
    clearInterval(poll);
  } finally {
    resender.stop();
  }
  expect(unreadable[0]).toBe('bad: database disk image is malformed');
  expect(published[0]).toBe(workspaceTopic(good));
});
