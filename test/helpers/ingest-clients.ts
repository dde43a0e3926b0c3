// Concurrent clients posting generic events until stopped or the server goes away;
// every event id answered 202 is pushed to `acknowledged`.
import { request } from 'undici';

export function startIngestClients(url: string, key: string, count: number, acknowledged: string[]): { stop(): Promise<void> } {
  let stopped = false;
  const client = async (c: number) => {
    for (let i = 0; !stopped; i++) {
      try {
        const res = await request(`${url}/v1/ingest/generic`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ title: `client ${c} event ${i}`, severity: 'Low' }),
        });
        const body = (await res.body.json()) as { event_id?: string };
        if (res.statusCode === 202 && body.event_id) acknowledged.push(body.event_id);
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
