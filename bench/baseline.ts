// The durable bound: the least a server can do to acknowledge a body durably — append it
// to a file and fdatasync before answering, with group commit (bodies arriving while a
// sync runs share the next one). Switchyard's ingest is measured as a ratio to this.
import { createServer, type Server } from 'node:http';
import { open, type FileHandle } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';

export async function startBaseline(file: string): Promise<{ url: string; close(): Promise<void> }> {
  const fh: FileHandle = await open(file, 'a');
  let pending: { data: Buffer; done: () => void }[] = [];
  // The sync in flight, if any: close() waits for it, so the file is never closed under a
  // datasync that a request arriving at the end of a load run started.
  let syncing: Promise<void> | null = null;

  const syncBatch = async (): Promise<void> => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      await fh.write(Buffer.concat(batch.map((b) => b.data)));
      await fh.datasync();
      batch.forEach((b) => b.done());
    }
  };
  const flush = (): void => {
    if (syncing) return;
    syncing = syncBatch().finally(() => {
      syncing = null;
    });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pending.push({
        data: Buffer.concat([...chunks, Buffer.from('\n')]),
        done: () => {
          res.writeHead(202, { 'content-type': 'application/json' });
          res.end('{"success":true}');
        },
      });
      setImmediate(flush);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise((r) => server.close(r));
      while (syncing) await syncing;
      await fh.close();
    },
  };
}
