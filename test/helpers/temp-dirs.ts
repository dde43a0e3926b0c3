// Temp directories for tests over the real file system. Every one is removed after its test
// file (the setup file remove-temp-dirs.ts); useTempDirs removes its own after each test, once
// whatever was opened in them (stores, logs) is closed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

/** A fresh directory under the system's temp dir, removed after the test file at the latest. */
export async function tempDir(prefix = 'sy-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every directory tempDir() made in this test file (a process may still be letting go of one: retried, never failing the file). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined)));
}

export interface Closable {
  close(): Promise<unknown>;
}

/**
 * Registers an afterEach that closes everything pushed onto `toClose`, then removes every
 * directory `tempDir()` made. Call it at the top level of a test file.
 */
export function useTempDirs<T extends Closable>(prefix: string): { tempDir(): Promise<string>; toClose: T[] } {
  const dirs: string[] = [];
  const toClose: T[] = [];
  afterEach(async () => {
    await Promise.all(toClose.splice(0).map((c) => c.close()));
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return {
    toClose,
    async tempDir(): Promise<string> {
      const dir = await tempDir(prefix);
      dirs.push(dir);
      return dir;
    },
  };
}
