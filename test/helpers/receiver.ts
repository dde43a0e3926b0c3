// A local webhook receiver on 127.0.0.1 that answers from a script: each request takes the
// next planned answer (status, headers, delay, or 'hang').
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves when `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(plan: Answer[] = [], fallback: Answer = { status: 200 }, port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const hung = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ at: Date.now(), headers: req.headers, body });
      waiters.splice(0).forEach((w) => w());
      const answer = plan.shift() ?? fallback;
      if (answer === 'hang') {
        hung.add(res);
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(JSON.stringify({ ok: answer.status < 300 }));
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    waitFor(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`receiver got ${received.length} of ${n} requests`)), timeoutMs);
        const check = () => {
          if (received.length >= n) {
            clearTimeout(timer);
            resolve(received.slice(0, n));
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () =>
      new Promise<void>((r) => {
        hung.forEach((res) => res.destroy());
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
