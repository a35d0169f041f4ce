// Baseline for GET /tasks: a bare Bun.serve answering the same bytes taskmock answered, read once
// from the file named in argv[3]. The least a server can do for this request.
const port = Number(process.argv[2]);
const body = await Bun.file(process.argv[3]!).bytes();
const headers = { 'content-type': 'application/json; charset=utf-8' };

Bun.serve({
  port,
  hostname: '127.0.0.1',
  fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === '/tasks') return new Response(body, { headers });
    if (path === '/health') return Response.json({ status: 'ok' });
    return new Response('Not Found', { status: 404 });
  },
});

export {};
