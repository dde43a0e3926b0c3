// What a store write can fail with: the write queue is full (try again soon), or the disk
// or database failed (nothing of the write is acknowledged).
export class StoreOverloadedError extends Error {
  /** `why` ends "store: … ; retry shortly" in the answer. */
  constructor(why = 'the write queue is full') { super(why); this.name = 'StoreOverloadedError'; }
}
export class StoreUnavailableError extends Error {
  /** Where the write failed: the data directory's disk (file store) or the database (PostgreSQL store). */
  readonly where: 'disk' | 'database';
  constructor(cause: unknown, where: 'disk' | 'database' = 'disk') {
    super(`store write failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StoreUnavailableError';
    this.where = where;
  }
}
