import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { seed, SEARCH_EXPORT } from './growth';
import { FileStore } from '../src-main/store';
const n = 200000;
const dir = await mkdtemp(join(tmpdir(), 'sy-probe-'));
const body = JSON.parse(await readFile('test/fixtures/generic-alert.json', 'utf8'));
await seed(join(dir, 'data'), n, body);
const store = new FileStore({ dataDir: join(dir, 'data'), retentionIntervalMs: 0 });
await store.open();
for (const text of ['execution endpoint', 'jsmith@company.com', 'a1b2c3d4e5f6', 'suspicious process', 'no-such-host-anywhere']) {
  const t = performance.now();
  const page = await store.listEvents({ text, limit: 50 });
  console.log(text, page.items.length, Math.round(performance.now() - t), 'ms');
}
await store.close();
await rm(dir, { recursive: true, force: true });
