// Baseline for POST /tasks: a bare Bun.serve that parses the JSON body and appends the task to an
// in-memory list (no validation, no SQLite, no scheduler).
import { createTaskList } from './task-list.ts';

const port = Number(process.argv[2]);
const list = createTaskList();

Bun.serve({
  port,
  hostname: '127.0.0.1',
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === '/tasks' && request.method === 'POST') {
      const task = list.append(await request.json());
      return task ? Response.json({ task }) : Response.json({ message: 'invalid request body' }, { status: 400 });
    }
    if (path === '/health') return Response.json({ status: 'ok' });
    return new Response('Not Found', { status: 404 });
  },
});
