// Baseline for start-up and idle memory: the smallest compiled Bun.serve that answers GET /health.
// Port from argv (`hello --port N`, as taskmock takes it) so both binaries start the same way.
const portFlag = process.argv.indexOf('--port');
const port = Number(portFlag === -1 ? 8700 : process.argv[portFlag + 1]);

Bun.serve({
  port,
  hostname: '127.0.0.1',
  fetch: () => Response.json({ status: 'ok' }),
});

export {};
