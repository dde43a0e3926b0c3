// What a store write can fail with: the write queue is full (try again soon), or the disk
// failed (nothing of the write is acknowledged).
export class StoreOverloadedError extends Error {
  constructor() { super('write queue is full'); this.name = 'StoreOverloadedError'; }
}
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`store write failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StoreUnavailableError';
  }
}
