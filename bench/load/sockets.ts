// Opening many WebSocket clients at once, each resolved when its first message (the list) arrives.

export interface Subscriber {
  socket: WebSocket;
  /** Called with every text frame after the first. */
  onUpdate: (data: string) => void;
}

function openOne(url: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const subscriber: Subscriber = { socket, onUpdate: () => {} };
    let opened = false;
    socket.onmessage = (event) => {
      if (opened) return subscriber.onUpdate(event.data as string);
      opened = true;
      resolve(subscriber);
    };
    socket.onerror = () => reject(new Error(`WebSocket ${url.replace(/api_key=[^&]*/, 'api_key=…')} failed`));
    socket.onclose = (event) => {
      if (!opened) reject(new Error(`WebSocket closed before its first message (code ${event.code})`));
    };
  });
}

/** Opens every url, `batch` handshakes in flight at a time, and waits for each one's first list. */
export async function openSubscribers(urls: readonly string[], batch = 200): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (let start = 0; start < urls.length; start += batch) {
    subscribers.push(...(await Promise.all(urls.slice(start, start + batch).map(openOne))));
  }
  return subscribers;
}
