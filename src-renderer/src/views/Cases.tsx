// Cases, newest first, filtered by status; kept live by case.changed.
import { useState } from 'react';
import { CASE_STATUSES, caseApi, caseMatchesText, type Case } from '../api/cases';
import { Badge } from '../components/Badge';
import { CatalogLinks } from '../components/CatalogLinks';
import { DataTable, type Column } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { Field } from '../components/Field';
import { SelectField } from '../components/SelectField';
import { Time } from '../components/Time';
import { useDebounced } from '../hooks/useDebounced';
import { usePaged } from '../hooks/useLoad';
import { useLiveRows } from '../hooks/useLiveRows';
import './Cases.css';

const columns: Column<Case>[] = [
  { label: 'Case', cell: (c) => <a href={`#/cases/${c.id}`} onClick={(e) => e.stopPropagation()}><code>{c.short_id}</code></a> },
  { label: 'Title', cell: (c) => c.title },
  { label: 'Status', cell: (c) => <Badge value={c.status} /> },
  { label: 'Alerts', cell: (c) => c.alert_ids.length },
  { label: 'Conversation', cell: (c) => c.conversation_target ?? <span className="muted">—</span> },
  { label: 'Catalog', cell: (c) => <CatalogLinks links={c.catalog} /> },
  { label: 'Updated', cell: (c) => <Time at={c.updated_at} /> },
];

export function Cases({ go }: { go: (hash: string) => void }) {
  const [status, setStatus] = useState('');
  const [typed, setText] = useState('');
  const text = useDebounced(typed, 250); // one request when typing pauses
  const paged = usePaged((cursor) => caseApi.list({ status, text }, cursor), [status, text]);
  const matches = (c: Case) => (!status || c.status === status) && (!text || caseMatchesText(c, text));
  const rows = useLiveRows('case.changed', paged.items, matches, `${status}|${text}`);
  return (
    <div className="view cases">
      <div className="toolbar">
        <h2>Cases</h2>
        <SelectField label="Status" value={status} options={CASE_STATUSES} onChange={setStatus} all="all statuses" />
        <Field label="Search"><input value={typed} placeholder="title or short id" onChange={(e) => setText(e.target.value)} /></Field>
      </div>
      <DataTable
        rows={rows}
        columns={columns}
        rowKey={(c) => c.id}
        onOpen={(c) => go(`#/cases/${c.id}`)}
        paged={paged}
        empty={status || text ? (
          <EmptyState title="No cases match these filters."><p>Clear a filter to see every case.</p></EmptyState>
        ) : (
          <EmptyState title="No cases yet.">
            <p>A case opens when a signal attaches to a definition with “Create a case”. Add one in <a href="#/definitions">Definitions</a> with the signal's external id, then send a signal instance (there is a sample in <a href="#/events">Live events</a>).</p>
          </EmptyState>
        )}
      />
    </div>
  );
}
