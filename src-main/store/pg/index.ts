// The PostgreSQL store: the same Store as the file store, over a database several
// instances may share.
export { createPgStore, migrateDatabase, PgStore, type PgStoreOptions } from './pg-store';
export { SCHEMA_MIGRATIONS } from './schema';
