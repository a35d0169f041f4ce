// Holds WebSockets open for the memory scenario, its own process: opens every url in argv[2] (a
// JSON array), prints "ready <n>" once each has its first list, then holds until killed.
import { openSubscribers } from './sockets.ts';

const urls = JSON.parse(process.argv[2]!) as string[];
const subscribers = await openSubscribers(urls);
console.log(`ready ${subscribers.length}`);
setInterval(() => {}, 1 << 30);
