// A local webhook receiver on 127.0.0.1 that answers from a script: each request takes the
// next planned answer (status, headers, body, delay, a body trickled byte by byte, a body cut
// off mid-response, or 'hang').
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  at: number;
  /** Path and query the request was made to. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Answer =
  | {
      status: number;
      headers?: Record<string, string>;
      /** Response body (default `{"ok": <2xx>}`). */
      body?: string;
      /** Wait this long before answering at all. */
      delayMs?: number;
      /** Send the body one byte at a time, this many ms apart (Content-Length announces all of it). */
      byteDelayMs?: number;
      /** Send only this many bytes of the body, then drop the connection (Content-Length announces all of it). */
      cutAfter?: number;
    }
  | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves when `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** After the plan runs out, `fallback` answers: a fixed answer, or one chosen from the request. */
export async function startReceiver(plan: Answer[] = [], fallback: Answer | ((req: Received) => Answer) = { status: 200 }, port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const hung = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const got: Received = { at: Date.now(), url: req.url ?? '', headers: req.headers, body };
      received.push(got);
      waiters.splice(0).forEach((w) => w());
      const answer = plan.shift() ?? (typeof fallback === 'function' ? fallback(got) : fallback);
      if (answer === 'hang') {
        hung.add(res);
        return;
      }
      later(answer.delayMs ?? 0, () => respond(res, answer));
    });
  });

  function respond(res: ServerResponse, answer: Exclude<Answer, 'hang'>): void {
    if (res.destroyed) return;
    const bytes = Buffer.from(answer.body ?? JSON.stringify({ ok: answer.status < 300 }), 'utf8');
    res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': String(bytes.length), ...(answer.headers ?? {}) });
    if (answer.cutAfter !== undefined) {
      res.write(bytes.subarray(0, answer.cutAfter), () => res.destroy());
      return;
    }
    if (answer.byteDelayMs === undefined) {
      res.end(bytes);
      return;
    }
    hung.add(res);
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i >= bytes.length) {
        hung.delete(res);
        res.end();
        return;
      }
      res.write(bytes.subarray(i, ++i));
      later(answer.byteDelayMs!, next);
    };
    next();
  }

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
        timers.forEach((t) => clearTimeout(t));
        timers.clear();
        hung.forEach((res) => res.destroy());
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
