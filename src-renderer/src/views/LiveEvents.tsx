// Live events: newest first, streaming; pause keeps counting what arrives meanwhile.
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type EventSummary } from '../api/client';
import { Badge } from '../components/Badge';
import { useStream, useStreamState } from '../hooks/useStream';

const DIALECTS = ['', 'generic', 'signal_instance', 'event', 'alertmanager', 'splunk_hec', 'custom'];
const SEVERITIES = ['', 'critical', 'high', 'medium', 'low', 'informational', 'pending'];

export function LiveEvents({ open }: { open: (id: string) => void }) {
  const [items, setItems] = useState<EventSummary[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [paused, setPaused] = useState(false);
  const [missed, setMissed] = useState(0);
  const [filters, setFilters] = useState({ dialect: '', severity: '', text: '' });
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (cursor?: string) => {
    try {
      const page = await api.listEvents({ ...filters, cursor, limit: '50' });
      setItems((prev) => (cursor ? [...prev, ...page.items] : page.items));
      setNext(page.next_cursor);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.errors.join('; ') : String(e));
    }
  }, [filters]);

  useEffect(() => {
    void load();
  }, [load]);

  const matches = (e: EventSummary) =>
    (!filters.dialect || e.dialect === filters.dialect) &&
    (!filters.severity || e.severity === filters.severity) &&
    (!filters.text || `${e.title} ${e.source_name} ${e.id}`.toLowerCase().includes(filters.text.toLowerCase()));

  const stream = useStreamState();
  useStream('event.created', (e: EventSummary) => {
    if (!matches(e)) return;
    if (paused) setMissed((n) => n + 1);
    else setItems((prev) => [e, ...prev]);
  });

  const resume = () => {
    setPaused(false);
    setMissed(0);
    void load();
  };

  return (
    <div className="view">
      <div className="toolbar">
        <h2>Live events</h2>
        <span className={`stream stream-${stream}`}>{stream}</span>
        {paused ? (
          <button onClick={resume}>Resume{missed ? ` (${missed} new)` : ''}</button>
        ) : (
          <button onClick={() => setPaused(true)}>Pause</button>
        )}
        <select aria-label="dialect" value={filters.dialect} onChange={(e) => setFilters({ ...filters, dialect: e.target.value })}>
          {DIALECTS.map((d) => <option key={d} value={d}>{d || 'all dialects'}</option>)}
        </select>
        <select aria-label="severity" value={filters.severity} onChange={(e) => setFilters({ ...filters, severity: e.target.value })}>
          {SEVERITIES.map((s) => <option key={s} value={s}>{s || 'all severities'}</option>)}
        </select>
        <input aria-label="search" placeholder="search title, source, id" value={filters.text} onChange={(e) => setFilters({ ...filters, text: e.target.value })} />
      </div>
      {error && <p className="error">{error}</p>}
      {items.length === 0 && !error ? (
        <div className="empty">
          <p>No events yet. Send one with an ingest key:</p>
          <pre>{`curl -X POST ${location.origin}/v1/ingest/generic \\\n  -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\\n  -d '{"title":"Test Alert","severity":"Low"}'`}</pre>
        </div>
      ) : (
        <table>
          <thead>
            <tr><th>received</th><th>title</th><th>severity</th><th>status</th><th>dialect</th><th>source</th></tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} onClick={() => open(e.id)} className="clickable">
                <td>{new Date(e.received_at).toLocaleTimeString()}</td>
                <td>{e.title}</td>
                <td><Badge value={e.severity} /></td>
                <td><Badge value={e.status} /></td>
                <td>{e.dialect}</td>
                <td>{e.source_name}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && <button onClick={() => void load(next)}>Older events</button>}
    </div>
  );
}
