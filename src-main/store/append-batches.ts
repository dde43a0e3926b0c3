// Many state records written in order, a bounded batch per write, so that an upgrade or a
// carry-forward of a million records never exceeds the store's write queue limit.
import type { StateRecord, Store } from './types';

/** Records per write (well under WRITE_QUEUE_MAX). */
const BATCH = 500;

export async function appendStateInBatches(store: Pick<Store, 'appendState'>, records: readonly StateRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += BATCH) await store.appendState(records.slice(i, i + BATCH));
}
