// A client of /api/stream that keeps every server-sent message and can wait for one.
import { request } from 'undici';

export interface StreamMessageSeen {
  type: string;
  data: any;
  at: number;
}

export interface StreamClient {
  messages: StreamMessageSeen[];
  /** Resolves with the first message (already seen or yet to come) matching `pred`. */
  waitFor(pred: (m: StreamMessageSeen) => boolean, timeoutMs?: number): Promise<StreamMessageSeen>;
  close(): void;
}

export async function openStream(base: string, headers: Record<string, string>): Promise<StreamClient> {
  const res = await request(`${base}/api/stream`, { headers });
  if (res.statusCode !== 200) throw new Error(`stream: ${res.statusCode} ${await res.body.text()}`);
  const messages: StreamMessageSeen[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  res.body.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const type = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (type && data !== undefined) messages.push({ type, data: JSON.parse(data), at: Date.now() });
    }
    waiters.forEach((w) => w());
  });
  res.body.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    const ready = () => {
      if (messages.some((m) => m.type === 'ready')) {
        waiters.delete(ready);
        resolve();
      }
    };
    waiters.add(ready);
    ready();
  });
  return {
    messages,
    waitFor(pred, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(pred);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`stream: no matching message in ${timeoutMs} ms; saw ${messages.map((m) => m.type).join(', ')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => res.body.destroy(),
  };
}
