// Live events: newest first, streaming; pause keeps counting what arrives meanwhile.
import { useState } from 'react';
import { api, type EventSummary } from '../api/client';
import { eventsApi } from '../api/events';
import { ActionButton } from '../components/Action';
import { Badge } from '../components/Badge';
import { DataTable } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { SendSample } from '../components/SendSample';
import { Time } from '../components/Time';
import { usePaged } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';

const DIALECTS = ['', 'generic', 'signal_instance', 'event', 'alertmanager', 'splunk_hec', 'custom'];
const SEVERITIES = ['', 'critical', 'high', 'medium', 'low', 'informational', 'pending'];

export function LiveEvents({ open }: { open: (id: string) => void }) {
  const [paused, setPaused] = useState(false);
  const [missed, setMissed] = useState(0);
  const [filters, setFilters] = useState({ dialect: '', severity: '', text: '' });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string) => setSelected((prev) => {
    const next = new Set(prev);
    if (!next.delete(id)) next.add(id);
    return next;
  });
  // One request per event, in order, so progress can be shown and a failure names its event.
  const replaySelected = async (report: (done: number, total: number) => void) => {
    const ids = list.items.map((e) => e.id).filter((id) => selected.has(id)).reverse();
    for (let i = 0; i < ids.length; i++) {
      report(i, ids.length);
      await eventsApi.replay(ids[i]);
    }
    setSelected(new Set());
    return `Replayed ${ids.length} event${ids.length === 1 ? '' : 's'} as new events`;
  };
  const list = usePaged((cursor) => api.listEvents({ ...filters, cursor, limit: 50 }), [filters]);

  const matches = (e: EventSummary) =>
    (!filters.dialect || e.dialect === filters.dialect) &&
    (!filters.severity || e.severity === filters.severity) &&
    (!filters.text || `${e.title} ${e.source_name} ${e.id}`.toLowerCase().includes(filters.text.toLowerCase()));

  useStream('event.created', (e: EventSummary) => {
    if (!matches(e)) return;
    if (paused) setMissed((n) => n + 1);
    else list.prepend(e);
  });

  const resume = () => {
    setPaused(false);
    setMissed(0);
    void list.reload();
  };

  return (
    <div className="view">
      <div className="toolbar">
        <h2>Live events</h2>
        {paused ? (
          <button onClick={resume}>Resume{missed ? ` (${missed} new)` : ''}</button>
        ) : (
          <button onClick={() => setPaused(true)}>Pause</button>
        )}
        {paused && <span className="paused-count" role="status">{missed} new while paused</span>}
        <select aria-label="dialect" value={filters.dialect} onChange={(e) => setFilters({ ...filters, dialect: e.target.value })}>
          {DIALECTS.map((d) => <option key={d} value={d}>{d || 'all dialects'}</option>)}
        </select>
        <select aria-label="severity" value={filters.severity} onChange={(e) => setFilters({ ...filters, severity: e.target.value })}>
          {SEVERITIES.map((s) => <option key={s} value={s}>{s || 'all severities'}</option>)}
        </select>
        <input aria-label="search" placeholder="search title, source, id" value={filters.text} onChange={(e) => setFilters({ ...filters, text: e.target.value })} />
        <SendSample />
        <ActionButton label={`Replay selected (${selected.size})`} disabled={selected.size === 0} run={replaySelected} />
      </div>
      <DataTable
        rows={list.items}
        rowKey={(e) => e.id}
        onOpen={(e) => open(e.id)}
        paged={list}
        empty={
          <EmptyState title={filters.dialect || filters.severity || filters.text ? 'No events match these filters.' : 'No events yet.'}>
            <p>Press <em>Send a sample</em> above, or <a href="#/connect">connect a tool</a> (its URL, an ingest key and a snippet for it), or send one with curl:</p>
            <pre>{`curl -X POST ${location.origin}/v1/ingest/generic \\\n  -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\\n  -d '{"title":"Test Alert","severity":"Low"}'`}</pre>
          </EmptyState>
        }
        columns={[
          { label: 'select', cell: (e) => <input type="checkbox" aria-label={`select ${e.title}`} checked={selected.has(e.id)} onClick={(ev) => ev.stopPropagation()} onChange={() => toggle(e.id)} /> },
          { label: 'received', cell: (e) => <Time at={e.received_at} /> },
          { label: 'title', cell: (e) => e.title },
          { label: 'severity', cell: (e) => <Badge value={e.severity} /> },
          { label: 'status', cell: (e) => <Badge value={e.status} /> },
          { label: 'dialect', cell: (e) => e.dialect },
          { label: 'source', cell: (e) => e.source_name },
          { label: 'alert', cell: (e) => (e.alert_id ? <a href={`#/alerts/${e.alert_id}`} onClick={(ev) => ev.stopPropagation()}>alert</a> : <span className="muted">—</span>) },
        ]}
      />
    </div>
  );
}
