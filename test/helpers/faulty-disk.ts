// A data directory whose disk can be made to fail on demand, at the store's injected fs
// boundary (AppOptions.storeFs): a full disk (ENOSPC: half a write lands, then the error),
// a read-only or permission-less one (EROFS / EACCES: opens for writing, writes and syncs
// fail), or a failing device (EIO at fsync). Reads always work; `recover()` heals it.
import type { StoreFile, StoreFs } from '../../src-main/store';
import { nodeStoreFs } from '../../src-main/store/store-fs';

export type DiskFault = 'ENOSPC' | 'EROFS' | 'EACCES' | 'EIO';

export interface FaultyDisk {
  fs: StoreFs;
  fail(fault: DiskFault): void;
  recover(): void;
  /** Calls that failed because of a fault, by operation (write, datasync, sync, open). */
  failures: Record<string, number>;
}

const MESSAGES: Record<DiskFault, string> = {
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EIO: 'i/o error',
};

function errno(code: DiskFault, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${MESSAGES[code]}, ${syscall}`), { code, syscall });
}

/** Flags that create or modify a file ("r" opens for reading only). */
const WRITING = /[wa+]/;

export function faultyDisk(): FaultyDisk {
  let fault: DiskFault | null = null;
  const failures: Record<string, number> = {};
  const refuse = (op: string, code: DiskFault) => {
    failures[op] = (failures[op] ?? 0) + 1;
    return errno(code, op);
  };
  // Every member the store uses today or later goes to the real file; only the writing ones are faulted.
  const wrap = (file: StoreFile): StoreFile =>
    new Proxy(file, {
      get(target, prop) {
        if (prop === 'write') {
          return async (buf: Uint8Array, offset: number, length: number, position: number) => {
            if (fault === 'ENOSPC') {
              // Half the bytes land, then the disk is full: a torn record the store must cut off.
              await target.write(buf, offset, Math.floor(length / 2), position);
              throw refuse('write', fault);
            }
            if (fault === 'EROFS' || fault === 'EACCES') throw refuse('write', fault);
            return target.write(buf, offset, length, position);
          };
        }
        if (prop === 'datasync' || prop === 'sync') {
          return async () => {
            if (fault) throw refuse(prop, fault);
            return target[prop]();
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  const fs: StoreFs = {
    ...nodeStoreFs,
    async open(path, flags, mode) {
      if ((fault === 'EROFS' || fault === 'EACCES') && WRITING.test(flags)) throw refuse('open', fault);
      return wrap(await nodeStoreFs.open(path, flags, mode));
    },
  };
  return {
    fs,
    failures,
    fail(f) {
      fault = f;
    },
    recover() {
      fault = null;
    },
  };
}
