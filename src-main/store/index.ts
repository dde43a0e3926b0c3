// The store's public face: the rest of the appliance imports from here only.
export { createStore, FileStore, type FileStoreOptions } from './file-store';
export type { StoreFs, StoreFile, Location } from './store-fs';
export type { Migration } from './migrations';
export * from './types';
// The PostgreSQL store (./pg) is imported where a database is configured, when it is: its
// driver would otherwise load at every start-up.
