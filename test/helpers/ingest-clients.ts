// Concurrent clients posting generic events until stopped or the server goes away;
// every event id answered 202 is pushed to `acknowledged`.
import { request } from 'undici';

export interface IngestAnswer {
  status: number;
  /** The Retry-After header, if any. */
  retryAfter: string | undefined;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: any;
  /** The title that was posted. */
  title: string;
}

/** Like startIngestClients, but hands every answer (status, Retry-After, body) to `onAnswer`. */
export function startAnsweringIngestClients(url: string, key: string, count: number, onAnswer: (a: IngestAnswer) => void): { stop(): Promise<void> } {
  let stopped = false;
  const client = async (c: number) => {
    for (let i = 0; !stopped; i++) {
      const title = `client ${c} event ${i}`;
      try {
        const res = await request(`${url}/v1/ingest/generic`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ title, severity: 'Low' }),
        });
        const text = await res.body.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const retryAfter = res.headers['retry-after'];
        onAnswer({ status: res.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, body, title });
      } catch {
        return; // the server is gone
      }
    }
  };
  const clients = Array.from({ length: count }, (_, c) => client(c));
  return {
    async stop() {
      stopped = true;
      await Promise.all(clients);
    },
  };
}

export function startIngestClients(url: string, key: string, count: number, acknowledged: string[]): { stop(): Promise<void> } {
  return startAnsweringIngestClients(url, key, count, (a) => {
    if (a.status === 202 && a.body?.event_id) acknowledged.push(a.body.event_id);
  });
}
