// The PostgreSQL store: the same Store as the file store, over a database several
// instances may share. (Being built: see the pg-store branch.)
import type { Logger } from '../../logger';
import type { Store } from '../types';

export interface PgStoreOptions {
  /** postgres://… (SWITCHYARD_DATABASE_URL, --database-url). */
  url: string;
  /** Local files beside the database (login links, server info); no events are kept there. */
  dataDir: string;
  /** Records allowed to wait for a commit; above it appends fail fast (StoreOverloadedError). */
  writeQueueMax?: number;
  logger?: Logger;
  now?: () => Date;
}

export function createPgStore(_opts: PgStoreOptions): Store {
  throw new Error('the PostgreSQL store is not built yet');
}

/** Applies the numbered migrations not yet applied (`switchyard migrate`); returns their numbers. */
export async function migrateDatabase(_url: string): Promise<number[]> {
  throw new Error('the PostgreSQL store is not built yet');
}
