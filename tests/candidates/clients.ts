// Scripted "candidate" clients, one per behaviour the report judges (SPEC §13), written the way
// a candidate's frontend would be: plain fetch and WebSocket against a real server.

export interface Candidate {
  /** http://host:port of the server. */
  url: string;
  key: string;
  workspace: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const tasksUrl = ({ url, key, workspace }: Candidate, path = '/tasks') =>
  `${url}${path}?api_key=${encodeURIComponent(key)}&workspace_id=${workspace}`;

const streamUrl = (candidate: Candidate) => tasksUrl(candidate, '/ws/tasks').replace(/^http/, 'ws');

export function createTask(candidate: Candidate, name: string, type = 'gx.tiny'): Promise<Response> {
  return fetch(tasksUrl(candidate), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, type }),
  });
}

/** Opens a socket and resolves once it is open, with a promise of its close code. */
async function openSocket(candidate: Candidate): Promise<{ socket: WebSocket; closed: Promise<number> }> {
  const socket = new WebSocket(streamUrl(candidate));
  const opened = Promise.withResolvers<void>();
  const closed = Promise.withResolvers<number>();
  socket.onopen = () => opened.resolve();
  socket.onclose = (event) => {
    opened.reject(new Error(`socket closed before it opened (${event.code})`));
    closed.resolve(event.code);
  };
  await opened.promise;
  return { socket, closed: closed.promise };
}

/**
 * Stays subscribed through `reconnects` drops, waiting `delayMs(n)` before the n-th reconnect in
 * a row (n from 0), then closes cleanly. Resolves with the close codes it saw.
 */
async function staySubscribed(candidate: Candidate, reconnects: number, delayMs: (n: number) => number): Promise<number[]> {
  const codes: number[] = [];
  for (let n = 0; ; n++) {
    const { socket, closed } = await openSocket(candidate);
    if (n === reconnects) {
      socket.close(1000, 'done');
      await closed;
      return codes;
    }
    codes.push(await closed);
    await sleep(delayMs(n));
  }
}

/** Polls GET /tasks every 100 ms for `forMs` while it holds a socket of the same workspace. */
export async function poller(candidate: Candidate, forMs = 3_000): Promise<number> {
  const { socket, closed } = await openSocket(candidate);
  await createTask(candidate, 'watched');
  let polls = 0;
  const until = performance.now() + forMs;
  while (performance.now() < until) {
    await fetch(tasksUrl(candidate));
    polls++;
    await sleep(100);
  }
  socket.close(1000, 'done');
  await closed;
  return polls;
}

/** Reconnects after each drop with exponential back-off (150 ms doubling), kept while drops come fast. */
export const backingOffSubscriber = (candidate: Candidate, reconnects = 5) =>
  staySubscribed(candidate, reconnects, (n) => 150 * 2 ** n);

/** Reconnects at once (a fixed 20 ms) however often the socket drops. */
export const hammeringSubscriber = (candidate: Candidate, reconnects = 12) => staySubscribed(candidate, reconnects, () => 20);

/** Creates a task, retrying a 429 or 503 after the Retry-After it was told; gives up after `attempts`. */
export async function politeCreator(candidate: Candidate, attempts = 3): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    const response = await createTask(candidate, 'polite');
    statuses.push(response.status);
    if (response.status !== 429 && response.status !== 503) break;
    await sleep(Number(response.headers.get('retry-after') ?? 1) * 1_000 + 100);
  }
  return statuses;
}

/** Creates a task, retrying a 429 or 503 at once, Retry-After or not. */
export async function impatientCreator(candidate: Candidate, attempts = 6): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    const response = await createTask(candidate, 'impatient');
    statuses.push(response.status);
    if (response.status !== 429 && response.status !== 503) break;
  }
  return statuses;
}

/** A careless UI: a double-clicked create, a bad type, and a delete of a task that already started. */
export async function carelessUi(candidate: Candidate): Promise<void> {
  await Promise.all([createTask(candidate, 'twice'), createTask(candidate, 'twice')]);
  await createTask(candidate, 'typo', 'gx.huge');
  const created = (await (await createTask(candidate, 'soon running')).json()) as { task: { id: number } };
  // Its list is now stale: the task starts while the UI still shows it queued.
  await fetch(tasksUrl(candidate, '/control/clock/advance'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ms: 1_500 }),
  });
  await fetch(tasksUrl(candidate, `/tasks/${created.task.id}`), { method: 'DELETE' });
}
