// Alerts, newest first, filtered by status, severity and text (by the server), kept
// live by alert.changed; a row opens the alert.
import { useState } from 'react';
import { ALERT_STATUSES, SEVERITIES, alertApi, alertMatchesText, type Alert } from '../api/alerts';
import { Badge } from '../components/Badge';
import { DataTable, type Column } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { Field } from '../components/Field';
import { SelectField } from '../components/SelectField';
import { Time } from '../components/Time';
import { useDebounced } from '../hooks/useDebounced';
import { usePaged } from '../hooks/useLoad';
import { useLiveRows } from '../hooks/useLiveRows';
import './Alerts.css';

const columns: Column<Alert>[] = [
  { label: 'Alert', cell: (a) => <a href={`#/alerts/${a.id}`} onClick={(e) => e.stopPropagation()}><code>{a.short_id}</code></a> },
  { label: 'Title', cell: (a) => a.title },
  { label: 'Severity', cell: (a) => <Badge value={a.severity} /> },
  { label: 'Status', cell: (a) => <><Badge value={a.status} />{a.flapping && <> <Badge value="flapping" /></>}</> },
  { label: 'Events', cell: (a) => a.event_count },
  { label: 'Last seen', cell: (a) => <Time at={a.last_seen} /> },
  { label: 'Case', cell: (a) => (a.case_id ? <a href={`#/cases/${a.case_id}`} onClick={(e) => e.stopPropagation()}>case</a> : <span className="muted">—</span>) },
];

/** `text` comes from the route (e.g. `#/alerts?text=service:api` from the catalog). */
export function Alerts({ text: initialText = '', go }: { text?: string; go: (hash: string) => void }) {
  const [status, setStatus] = useState('');
  const [severity, setSeverity] = useState('');
  const [typed, setText] = useState(initialText);
  const text = useDebounced(typed, 250); // one request when typing pauses
  const paged = usePaged((cursor) => alertApi.list({ status, severity, text }, cursor), [status, severity, text]);
  const matches = (a: Alert) => (!status || a.status === status) && (!severity || a.severity === severity) && (!text || alertMatchesText(a, text));
  const rows = useLiveRows('alert.changed', paged.items, matches, `${status}|${severity}|${text}`);
  const filtered = !!(status || severity || text);
  return (
    <div className="view alerts">
      <div className="toolbar">
        <h2>Alerts</h2>
        <SelectField label="Status" value={status} options={ALERT_STATUSES} onChange={setStatus} all="all statuses" />
        <SelectField label="Severity" value={severity} options={SEVERITIES} onChange={setSeverity} all="all severities" />
        <Field label="Search"><input value={typed} placeholder="title, short id, key or tag" onChange={(e) => setText(e.target.value)} /></Field>
      </div>
      <DataTable
        rows={rows}
        columns={columns}
        rowKey={(a) => a.id}
        onOpen={(a) => go(`#/alerts/${a.id}`)}
        paged={paged}
        empty={filtered ? (
          <EmptyState title="No alerts match these filters.">
            <p>Clear a filter to see more.</p>
          </EmptyState>
        ) : (
          <EmptyState title="No alerts yet.">
            <p>An alert opens when an event arrives. Send a sample from <a href="#/events">Live events</a>, or post to an ingest URL from <a href="#/sources">Sources</a>.</p>
          </EmptyState>
        )}
      />
    </div>
  );
}
