// The appliance's own condition, shown on every view while something is wrong (e.g. the
// store cannot write: ingest answers 503 until it recovers).
import type { ApplianceStatus } from '../../../src-shared/status';
import { http } from '../api/client';
import { useLoad } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';
import { Time } from './Time';

export function StatusBanner() {
  const status = useLoad(() => http.get<ApplianceStatus>('/api/status'), []);
  useStream('status.changed', (s: ApplianceStatus) => status.set(s));
  // Changes are not replayed on connect: after a reconnect, ask again.
  useStream('ready', () => void status.reload());
  const store = status.data?.store;
  if (!store || store.writable) return null;
  const fix = store.backend === 'postgres'
    ? 'Check that the PostgreSQL server is running and reachable'
    : "Free disk space or fix the data directory's permissions";
  return (
    <div className="status-banner" role="alert">
      <strong>{store.backend === 'postgres' ? 'The database cannot be reached' : 'The store cannot write'}</strong> (since <Time at={store.since} />): {store.error ?? 'unknown error'}.{' '}
      New events are refused with 503 until it recovers; nothing already accepted is lost. {fix} — this clears by itself once a write succeeds.
    </div>
  );
}
