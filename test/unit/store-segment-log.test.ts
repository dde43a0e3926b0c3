// The generic segment log on its own: streaming scan, locations, read handles.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SegmentLog, segmentFileName } from '../../src-main/store/segment-log';
import type { Location } from '../../src-main/store/store-fs';
import { StoreUnavailableError } from '../../src-main/store/types';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose: logs } = useTempDirs<SegmentLog>('sy-log-');

function newLog(opts: ConstructorParameters<typeof SegmentLog>[0]): SegmentLog {
  const log = new SegmentLog(opts);
  logs.push(log);
  return log;
}

async function collect(log: SegmentLog) {
  const seen: { record: Record<string, unknown>; location: Location }[] = [];
  const report = await log.open((record, location) => seen.push({ record, location }));
  return { seen, report };
}

describe('segment log', () => {
  it('names segments with six digits', () => {
    expect(segmentFileName(1)).toBe('000001.jsonl');
    expect(segmentFileName(1234567)).toBe('1234567.jsonl');
  });

  it('scans lines that span read chunks and reports their exact locations', async () => {
    const dir = await tempDir();
    const writer = newLog({ dir });
    await writer.open(() => undefined);
    const records = Array.from({ length: 30 }, (_, i) => ({ i, text: 'x'.repeat(i * 7), utf8: 'é✓' }));
    const locations = await writer.append(records);
    await writer.close();

    const { seen, report } = await collect(newLog({ dir, scanChunkBytes: 16 }));
    expect(report).toEqual({ records: 30, tornLinesDiscarded: 0, corruptLinesSkipped: 0 });
    expect(seen.map((s) => s.record)).toEqual(records);
    expect(seen.map((s) => s.location)).toEqual(locations);
  });

  it('ignores files that are not segments and opens an empty directory with segment 1', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.txt'), 'not a segment\n');
    const log = newLog({ dir });
    expect((await collect(log)).report.records).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['000001.jsonl', 'notes.txt']);
    expect(log.stats()).toMatchObject({ segments: 1, bytes: 0, queueDepth: 0 });
  });

  it('reads records back from many segments while keeping only a few files open', async () => {
    const dir = await tempDir();
    const writer = newLog({ dir, segmentMaxBytes: 64 });
    await writer.open(() => undefined);
    const written: Location[] = [];
    for (let i = 0; i < 40; i++) written.push(...(await writer.append([{ i, pad: 'p'.repeat(30) }])));
    expect(writer.stats().segments).toBe(40);
    await writer.close();

    const reader = newLog({ dir, segmentMaxBytes: 64, maxReadHandles: 3 });
    const { seen } = await collect(reader);
    expect(seen).toHaveLength(40);
    const order = [...seen].sort(() => Math.random() - 0.5);
    const back = await Promise.all(order.map((s) => reader.read(s.location)));
    expect(back).toEqual(order.map((s) => s.record));
  });

  it('rejects only the caller whose record cannot be serialized', async () => {
    const log = newLog({ dir: await tempDir() });
    await log.open(() => undefined);
    const bad = log.append([{ n: 1n }]);
    const good = log.append([{ ok: true }]);
    await expect(bad).rejects.toThrow(/BigInt/);
    expect(await good).toEqual([{ segment: 1, offset: 0, length: 11 }]);
    expect(await log.append([])).toEqual([]);
  });

  it('refuses appends before open and after close, reads after close', async () => {
    const log = newLog({ dir: await tempDir() });
    await expect(log.append([{ a: 1 }])).rejects.toBeInstanceOf(StoreUnavailableError);
    await log.open(() => undefined);
    const [loc] = await log.append([{ a: 1 }]);
    expect(await log.read(loc)).toEqual({ a: 1 });
    await log.close();
    await expect(log.append([{ a: 2 }])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(log.read(loc)).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
