// The store's public face: the rest of the appliance imports from here only (and from ./pg,
// the PostgreSQL store, where a database is configured).
export { createStore, FileStore, type FileStoreOptions } from './file-store';
export type { StoreFs, StoreFile, Location } from './store-fs';
export type { Migration } from './migrations';
export * from './types';
// ./pg is not re-exported: importing it loads the PostgreSQL driver, which a file store never needs.
