// Background files (index snapshot, compressed segments, search sidecars) are synced every
// megabyte as they are written, so that no group commit's fdatasync waits behind many
// megabytes of them: never more than BACKGROUND_SYNC_BYTES unsynced, every byte in place.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_SYNC_BYTES, nodeStoreFs, PacedWriter, type StoreFile } from '../../src-main/store/store-fs';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir } = useTempDirs('sy-paced-');

describe('paced writes of background files', () => {
  it('syncs every BACKGROUND_SYNC_BYTES and writes every byte in order', async () => {
    const path = join(await tempDir(), 'background.bin');
    const real = await nodeStoreFs.open(path, 'w', 0o600);
    let unsynced = 0;
    let most = 0;
    let syncs = 0;
    const file: StoreFile = {
      ...real,
      write: async (buf, offset, length, position) => {
        const r = await real.write(buf, offset, length, position);
        unsynced += r.bytesWritten;
        most = Math.max(most, unsynced);
        return r;
      },
      datasync: async () => {
        syncs++;
        unsynced = 0;
        await real.datasync();
      },
      close: () => real.close(),
    };
    const data = randomBytes(Math.round(BACKGROUND_SYNC_BYTES * 3.6));
    const writer = new PacedWriter(file);
    // Pieces of uneven sizes, some larger than the pace, as the writers hand them over.
    const cuts = [0, 1000, BACKGROUND_SYNC_BYTES + 77, Math.round(BACKGROUND_SYNC_BYTES * 1.5), Math.round(BACKGROUND_SYNC_BYTES * 3.1), data.length];
    for (let i = 1; i < cuts.length; i++) await writer.write(data.subarray(cuts[i - 1], cuts[i]), cuts[i - 1]);
    await file.close();
    expect(most).toBe(BACKGROUND_SYNC_BYTES);
    expect(syncs).toBe(3);
    expect((await readFile(path)).equals(data)).toBe(true);
  });
});
