// Parked blocking readers, their own process: one raw HTTP connection per workspace, each a
// `GET /tasks?index=0&wait=5m` on a workspace nobody touched (version 0, so it parks). Prints
// `parked` once every request is sent and a settle time passed, waits `idleMs` (the orchestrator
// measures the server's CPU meanwhile), then creates one task in each of `wakeups` workspaces in
// turn and times, for each, from sending the create to its parked reader's answer. One create into
// a workspace nobody reads goes first: the first create of a process (the client's first fetch,
// the server's first validation of a body) is not what a waiting reader meets in steady use.
// Last line: {"samples": number[]} (milliseconds).
interface Spec {
  host: string;
  port: number;
  key: string;
  readers: number;
  idleMs: number;
  wakeups: number;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const answered = new Map<number, () => void>();

function park(index: number): Promise<void> {
  return Bun.connect({
    hostname: spec.host,
    port: spec.port,
    socket: {
      open(socket) {
        socket.write(
          `GET /tasks?api_key=${spec.key}&workspace_id=ws-${index}&index=0&wait=5m HTTP/1.1\r\nHost: ${spec.host}\r\nConnection: close\r\n\r\n`,
        );
      },
      data: () => answered.get(index)?.(),
      close: () => undefined,
      error: () => undefined,
    },
  }).then(() => undefined);
}

for (let start = 0; start < spec.readers; start += 500) {
  await Promise.all(Array.from({ length: Math.min(500, spec.readers - start) }, (_, i) => park(start + i)));
}
await Bun.sleep(2000);
console.log(JSON.stringify({ parked: spec.readers }));
await Bun.sleep(spec.idleMs);

const create = (workspace: string) =>
  fetch(`http://${spec.host}:${spec.port}/tasks?api_key=${spec.key}&workspace_id=${workspace}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'wake', type: 'gx.tiny' }),
  });
await create('warm-up');

const samples: number[] = [];
for (let i = 0; i < spec.wakeups; i++) {
  const index = (i * 97) % spec.readers;
  const { promise, resolve } = Promise.withResolvers<void>();
  answered.set(index, resolve);
  const began = performance.now();
  await create(`ws-${index}`);
  await promise;
  samples.push(performance.now() - began);
}
console.log(JSON.stringify({ samples }));
process.exit(0);
export {};
