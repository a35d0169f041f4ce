// Fan-out client, its own process: holds `subscribers` sockets on one workspace, then for each round
// POSTs a task with a unique name and times until every subscriber holds a list containing it.
// Prints one JSON line: {samples: number[]} (milliseconds per round).
import { openSubscribers, type Subscriber } from './sockets.ts';

interface FanoutSpec {
  wsUrl: string;
  postUrl: string;
  subscribers: number;
  rounds: number;
  gapMs: number;
}

function oneRound(subscribers: Subscriber[], postUrl: string, name: string): Promise<number> {
  const marker = `"name":${JSON.stringify(name)}`;
  return new Promise((resolve, reject) => {
    let pending = subscribers.length;
    let began = 0;
    for (const subscriber of subscribers) {
      let seen = false;
      subscriber.onUpdate = (data) => {
        if (seen || !data.includes(marker)) return;
        seen = true;
        if (--pending === 0) resolve(performance.now() - began);
      };
    }
    began = performance.now();
    const body = JSON.stringify({ name, type: 'gx.tiny' });
    fetch(postUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      .then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(new Error(`POST answered ${response.status}`))))
      .catch(reject);
  });
}

const spec = JSON.parse(process.argv[2]!) as FanoutSpec;
const subscribers = await openSubscribers(Array.from({ length: spec.subscribers }, () => spec.wsUrl));
const samples: number[] = [];
const tag = Math.random().toString(36).slice(2, 8);
for (let round = 0; round < spec.rounds; round++) {
  samples.push(await oneRound(subscribers, spec.postUrl, `fanout ${tag} ${round}`));
  await Bun.sleep(spec.gapMs);
}
for (const subscriber of subscribers) subscriber.socket.close();
console.log(JSON.stringify({ samples }));
process.exit(0);
