// Loading the index snapshot in bounded steps: a file many steps long (lines of JSON cut
// across steps, multi-byte text among them) decodes to exactly what was written; no read is
// larger than a step; a byte flipped anywhere is caught by the checksum; a failing disk is
// reported as itself; a file that sums right but does not add up says what is wrong.
import { CHUNK_ROWS } from '../../src-main/store/chunked';
import { createHash, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore, type Store, type StoreFs } from '../../src-main/store';
import { encodeSnapshot, readSnapshot, SNAPSHOT_FILE } from '../../src-main/store/index-snapshot';
import { nodeStoreFs } from '../../src-main/store/store-fs';
import { normalizedEvent } from '../helpers/ingest-fixtures';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose: stores } = useTempDirs<Store>('sy-snapload-');
const STEP = 1024;

/** A closed store whose snapshot has events, state records (live ones with data), dedup keys and long non-ASCII lines. */
async function storeWithSnapshot(): Promise<string> {
  const dir = await tempDir();
  const store = createStore({ dataDir: dir, retentionIntervalMs: 0, compressSealed: false, segmentMaxBytes: 64 * 1024 });
  stores.push(store);
  await store.open();
  for (let i = 0; i < 150; i++) {
    const id = i % 3 ? randomUUID() : `ev-${i}`;
    const event = normalizedEvent({
      id,
      organization: `org-${i % 4}`,
      received_at: new Date(Date.UTC(2025, 0, 1, 0, 0, i, i)).toISOString(),
      // Titles several steps long, with characters of 2 to 4 bytes that a step boundary can cut.
      title: i % 10 ? `event ${i} é` : `long ${i} ${'ünïcødé ✓ 🛰 '.repeat(80)}`,
      severity: i % 2 ? 'high' : 'low',
      alert_id: i % 5 ? `alert-${i % 9}` : null,
      dedup_key: i % 7 ? null : `dedup-${i}`,
    });
    await store.appendEvents([event], [
      { kind: 'alert', id: `alert-${i % 9}`, data: { i }, live: true, cold: true, keys: { organization: `org-${i % 4}`, status: i % 2 ? 'open' : 'resolved', lookup: [`k:${i % 5}`], at: i * 1000 } },
      // Live records kept in memory (in the snapshot's live section), some far longer than a step.
      { kind: 'delivery', id: `delivery-${i % 40}`, data: { i, note: 'ß'.repeat(i * 5) }, ...(i % 2 ? { keys: { organization: `org-${i % 4}`, status: 'pending' } } : {}) },
    ]);
  }
  await store.close();
  return join(dir, 'events');
}

/** The file's bytes before the checksum trailer and the meta's length. */
function parts(file: Buffer): { body: Buffer; metaLen: number } {
  const body = file.subarray(0, file.length - 32);
  return { body, metaLen: body.readUInt32LE(body.length - 4) };
}

/** Writes `body` plus a matching checksum as the snapshot of a fresh directory. */
async function withChecksum(body: Buffer): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, SNAPSHOT_FILE), Buffer.concat([body, createHash('sha256').update(body).digest()]));
  return dir;
}

describe('index snapshot loading', () => {
  it('decodes a file many steps long to exactly what was written, reading at most one step at a time', async () => {
    const events = await storeWithSnapshot();
    const file = await readFile(join(events, SNAPSHOT_FILE));
    const { body, metaLen } = parts(file);
    expect(file.length).toBeGreaterThan(30 * STEP);
    // Live records and titles several steps long each, so lines span step boundaries.
    const meta = JSON.parse(body.toString('utf8', body.length - 4 - metaLen, body.length - 4));
    expect(meta.sections[0]).toBeGreaterThan(3 * STEP);
    expect(Math.max(...meta.sections.slice(5))).toBeGreaterThan(3 * STEP);

    const reads: number[] = [];
    const counting: StoreFs = {
      ...nodeStoreFs,
      async open(path, flags, mode) {
        const f = await nodeStoreFs.open(path, flags, mode);
        return { ...f, read: (buf, off, len, pos) => (reads.push(len), f.read(buf, off, len, pos)), close: () => f.close() };
      },
    };
    const small = await readSnapshot(events, counting, STEP);
    expect(small.problem).toBeUndefined();
    // The meta is read whole (it is parsed whole); everything else a step at a time.
    expect(reads.filter((n) => n > STEP)).toEqual(metaLen > STEP ? [metaLen] : []);
    // Every byte once in order, plus the magic and the trailer (meta, length, checksum) read first.
    expect(reads.reduce((a, b) => a + b, 0)).toBe(file.length - 32 + 8 + metaLen + 36);

    // Written again, the decoded snapshot is the same bytes: nothing lost or changed at step boundaries.
    expect(Buffer.concat([...encodeSnapshot(small.snapshot!)])).toEqual(body);
    for (const step of [333, 1 << 30]) expect((await readSnapshot(events, nodeStoreFs, step)).snapshot).toEqual(small.snapshot);
    // Columns are read a chunk of rows at a time, each piece in an array of a whole chunk (the index adopts them as they are).
    const { index } = small.snapshot!;
    expect(index.idWords.map((p) => p.buffer.byteLength)).toEqual(index.idWords.map(() => CHUNK_ROWS * 16));
    expect(index.received.map((p) => p.buffer.byteLength)).toEqual(index.received.map(() => CHUNK_ROWS * 8));
  });

  it('catches a byte flipped anywhere in the file', async () => {
    const events = await storeWithSnapshot();
    const file = await readFile(join(events, SNAPSHOT_FILE));
    const dir = await tempDir();
    // Every byte of the header, the meta and the trailer, and a spread of the columns and sections.
    const { metaLen } = parts(file);
    const positions = new Set<number>();
    for (let i = 0; i < 40; i++) positions.add(i);
    for (let i = file.length - 32 - 4 - metaLen - 8; i < file.length; i += i < file.length - 64 ? 29 : 1) positions.add(i);
    for (let i = 40; i < file.length; i += Math.floor(file.length / 100)) positions.add(i);
    for (const at of positions) {
      const damaged = Buffer.from(file);
      damaged[at] ^= at % 2 ? 0x01 : 0x80;
      await writeFile(join(dir, SNAPSHOT_FILE), damaged);
      const read = await readSnapshot(dir, nodeStoreFs, STEP);
      expect(read.snapshot, `byte ${at}`).toBeUndefined();
      expect(read.problem, `byte ${at}`).toBe(at < 8 ? 'not a snapshot' : 'checksum mismatch (torn or damaged)');
    }
  });

  it('reports a file cut short, or a disk that fails mid-file, as such', async () => {
    const events = await storeWithSnapshot();
    const file = await readFile(join(events, SNAPSHOT_FILE));
    for (const cut of [1, 33, 100, Math.floor(file.length / 2)]) {
      const dir = await tempDir();
      await writeFile(join(dir, SNAPSHOT_FILE), file.subarray(0, file.length - cut));
      expect((await readSnapshot(dir, nodeStoreFs, STEP)).problem).toBe('checksum mismatch (torn or damaged)');
    }
    const failing: StoreFs = {
      ...nodeStoreFs,
      async open(path, flags, mode) {
        const f = await nodeStoreFs.open(path, flags, mode);
        const read: typeof f.read = async (buf, off, len, pos) => {
          if (pos > file.length / 2) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
          return f.read(buf, off, len, pos);
        };
        return { ...f, read, close: () => f.close() };
      },
    };
    expect((await readSnapshot(events, failing, STEP)).problem).toBe('EIO: i/o error, read');
    expect((await readSnapshot(join(events, 'nowhere'), nodeStoreFs, STEP)).problem).toBe('none');
  });

  it('says what does not add up in a file whose checksum is right', async () => {
    const events = await storeWithSnapshot();
    const { body, metaLen } = parts(await readFile(join(events, SNAPSHOT_FILE)));
    const metaAt = body.length - 4 - metaLen;
    const meta = JSON.parse(body.toString('utf8', metaAt, body.length - 4));
    const withMeta = (m: object, columns = body.subarray(0, metaAt)) => {
      const json = Buffer.from(JSON.stringify(m));
      const len = Buffer.alloc(4);
      len.writeUInt32LE(json.length);
      return withChecksum(Buffer.concat([columns, json, len]));
    };
    const problem = async (dir: Promise<string>) => (await readSnapshot(await dir, nodeStoreFs, STEP)).problem;
    expect(await problem(withMeta({ ...meta, version: 3 }))).toBe('unknown snapshot version 3');
    expect(await problem(withMeta({ ...meta, widths: meta.widths.map(() => 3) }))).toBe('bad column widths');
    // A count far past the file is refused before anything of its size is allocated.
    expect(await problem(withMeta({ ...meta, count: 2 ** 40 }))).toBe('wrong length');
    expect(await problem(withMeta({ ...meta, sections: meta.sections.slice(0, 3) }))).toBe('bad sections');
    // The live records' section without its last newline: its last line has no end.
    const liveEnd = metaAt - meta.sections.reduce((a: number, b: number) => a + b, 0) + meta.sections[0];
    const cut = Buffer.concat([body.subarray(0, liveEnd - 1), body.subarray(liveEnd, metaAt)]);
    expect(await problem(withMeta({ ...meta, sections: [meta.sections[0] - 1, ...meta.sections.slice(1)] }, cut))).toBe('torn JSON section');
    // Bytes left over after the sections.
    expect(await problem(withMeta(meta, Buffer.concat([body.subarray(0, metaAt), Buffer.from('\n')])))).toBe('wrong length');
  });
});
