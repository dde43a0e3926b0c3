// The appliance's condition as GET /api/status answers it and the `status.changed` stream
// message carries it (src-main/server/store-health.ts). Types only.

/** The store part: whether it can write. */
export interface StoreWriteStatus {
  /** Where the store keeps records: files in the data directory, or PostgreSQL. */
  backend: 'file' | 'postgres';
  writable: boolean;
  /** The last write error while not writable, else null. */
  error: string | null;
  /** When writes started failing (ISO 8601), else null. */
  since: string | null;
}

export interface ApplianceStatus {
  store: StoreWriteStatus;
  version: string;
  uptime_s: number;
}
