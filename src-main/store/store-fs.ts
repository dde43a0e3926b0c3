// The file-system seam of the store: the calls it makes (node:fs/promises by default; tests
// inject counting or failing ones) and where a record lives.
import * as nodeFs from 'node:fs/promises';

/** Where one record lives: byte range of its line (without the newline). */
export interface Location {
  segment: number;
  offset: number;
  length: number;
}

/** The part of a node:fs/promises FileHandle the store uses. */
export interface StoreFile {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/** The file-system calls the store makes; injectable so tests can count them or make them fail. */
export interface StoreFs {
  open(path: string, flags: string, mode?: number): Promise<StoreFile>;
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  /** Optional (node:fs/promises when absent): size and modification time of a file. */
  stat?(path: string): Promise<{ size: number; mtimeMs: number }>;
  /** Optional (node:fs/promises when absent): atomic rename, used for the index snapshot. */
  rename?(from: string, to: string): Promise<void>;
  /** Optional (node:fs/promises when absent): used by retention and to drop a stale snapshot. */
  unlink?(path: string): Promise<void>;
}

export const nodeStoreFs: StoreFs = {
  open: (path, flags, mode) => nodeFs.open(path, flags, mode),
  mkdir: (path, options) => nodeFs.mkdir(path, options),
  readdir: (path) => nodeFs.readdir(path),
  stat: (path) => nodeFs.stat(path),
  rename: (from, to) => nodeFs.rename(from, to),
  unlink: (path) => nodeFs.unlink(path),
};

/** Reads the logical bytes [position, position + length) of one segment. */
export type RangeReader = (position: number, length: number) => Promise<Buffer>;

/** Reads exactly `length` bytes at `position` (a short file is an error). */
export async function readFully(file: StoreFile, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  await readInto(file, buf, position);
  return buf;
}

/** Fills `dst` with the bytes at `position` (e.g. straight into a typed array's bytes; a short file is an error). */
export async function readInto(file: StoreFile, dst: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < dst.length) {
    const { bytesRead } = await file.read(dst, done, dst.length - done, position + done);
    if (bytesRead === 0) throw new Error(`short read at ${position + done}`);
    done += bytesRead;
  }
}

/** Writes all of `buf` at `position`. */
export async function writeFully(file: StoreFile, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await file.write(buf, done, buf.length - done, position + done);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    done += bytesWritten;
  }
}

/**
 * Bytes of a background file (index snapshot, compressed segment, search sidecar) written
 * between two fdatasyncs of it. On ext4 a group commit's fdatasync waits for the data of other
 * files' newly allocated blocks in the same journal transaction: a background file synced
 * whole, or left to the kernel's writeback, held commits for as long as its megabytes took to
 * reach the disk. A megabyte at a time keeps that to a few milliseconds.
 */
export const BACKGROUND_SYNC_BYTES = 1024 * 1024;

/** Writes a background file in order, syncing every BACKGROUND_SYNC_BYTES (see there). */
export class PacedWriter {
  private unsynced = 0;
  constructor(private readonly file: StoreFile) {}

  async write(buf: Buffer, position: number): Promise<void> {
    for (let at = 0; at < buf.length; ) {
      const piece = buf.subarray(at, at + BACKGROUND_SYNC_BYTES - this.unsynced);
      await writeFully(this.file, piece, position + at);
      at += piece.length;
      this.unsynced += piece.length;
      if (this.unsynced === BACKGROUND_SYNC_BYTES) {
        await this.file.datasync();
        this.unsynced = 0;
      }
    }
  }
}
