// Holds WebSockets open for the memory scenario, its own process: argv[2] is a JSON array of
// {url, count}; opens `count` sockets to each url, prints "ready <n>" once every one has its
// first list, then holds them until killed.
import { openSubscribers } from './sockets.ts';

const groups = JSON.parse(process.argv[2]!) as { url: string; count: number }[];
const urls = groups.flatMap(({ url, count }) => Array.from({ length: count }, () => url));
const subscribers = await openSubscribers(urls);
console.log(`ready ${subscribers.length}`);
setInterval(() => {}, 1 << 30);
