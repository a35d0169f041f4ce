// Baseline for the live stream: a bare Bun pub/sub server. A socket on /ws/tasks subscribes to one
// topic and gets the list at once; POST /tasks appends and publishes the whole list (the same
// bytes taskmock would send) with one `publish`.
import { createTaskList } from './task-list.ts';

const port = Number(process.argv[2]);
const TOPIC = 'tasks';
const list = createTaskList();

const server = Bun.serve({
  port,
  hostname: '127.0.0.1',
  async fetch(request, server) {
    const path = new URL(request.url).pathname;
    if (path === '/ws/tasks') {
      return server.upgrade(request, { data: undefined }) ? undefined : new Response('upgrade failed', { status: 400 });
    }
    if (path === '/tasks' && request.method === 'POST') {
      const task = list.append(await request.json());
      if (!task) return Response.json({ message: 'invalid request body' }, { status: 400 });
      server.publish(TOPIC, JSON.stringify(list.tasks));
      return Response.json({ task });
    }
    if (path === '/health') return Response.json({ status: 'ok' });
    return new Response('Not Found', { status: 404 });
  },
  websocket: {
    open(ws) {
      ws.subscribe(TOPIC);
      ws.send(JSON.stringify(list.tasks));
    },
    message() {},
  },
});
void server;
