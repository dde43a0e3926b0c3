// Signal definitions: the list, a form to create one, and for the chosen one its edit form,
// its filters and delete.
import { useState } from 'react';
import { definitionApi, type SignalDefinition } from '../api/definitions';
import { Badge } from '../components/Badge';
import { ConfirmButton } from '../components/ConfirmButton';
import { DataTable, type Column } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { usePaged } from '../hooks/useLoad';
import { DefinitionFilters } from './DefinitionFilters';
import { DefinitionForm } from './DefinitionForm';
import './Definitions.css';

const columns: Column<SignalDefinition>[] = [
  { label: 'Name', cell: (d) => d.name },
  { label: 'External id', cell: (d) => <code>{d.external_id}{d.variant ? ` / ${d.variant}` : ''}</code> },
  { label: 'Case', cell: (d) => (d.create_case ? 'creates a case' : <span className="muted">contextual</span>) },
  { label: 'Conversation', cell: (d) => d.conversation_target ?? <span className="muted">—</span> },
  { label: 'State', cell: (d) => <Badge value={d.enabled ? 'enabled' : 'disabled'} /> },
];

/** `open`: a definition to show at once (from `#/definitions/<id>`). */
export function Definitions({ open }: { open?: string }) {
  const paged = usePaged((cursor) => definitionApi.list(cursor), []);
  const [chosenId, setChosenId] = useState<string | null>(open ?? null);
  const [creating, setCreating] = useState(false);
  const chosen = paged.items.find((d) => d.id === chosenId);
  return (
    <div className="view definitions">
      <div className="toolbar">
        <h2>Signal definitions</h2>
        <button type="button" className="primary" onClick={() => { setCreating(true); setChosenId(null); }}>New definition</button>
      </div>
      {creating && (
        <section aria-label="new definition">
          <header><h3>New definition</h3><button type="button" onClick={() => setCreating(false)}>Close</button></header>
          <DefinitionForm onSaved={async (d) => { await paged.reload(); setCreating(false); setChosenId(d.id); }} />
        </section>
      )}
      <DataTable rows={paged.items} columns={columns} rowKey={(d) => d.id} onOpen={(d) => { setChosenId(d.id); setCreating(false); }} paged={paged}
        empty={<EmptyState title="No signal definitions yet."><p>A definition gives signal instances with its external id a name and an owner, and can open a case for them. Press “New definition”.</p></EmptyState>} />
      {chosen && (
        <section aria-label={`definition ${chosen.name}`} className="chosen">
          <header>
            <h3>{chosen.name}</h3>
            <ConfirmButton label="Delete" question={`Delete “${chosen.name}” and its filters?`}
              run={async () => { await definitionApi.remove(chosen.id); setChosenId(null); await paged.reload(); }} />
          </header>
          <div className="columns">
            <div>
              <h4>Edit</h4>
              {/* keyed so the form starts from the chosen definition */}
              <DefinitionForm key={chosen.id} definition={chosen} onSaved={() => void paged.reload()} />
            </div>
            <div>
              <h4>Filters</h4>
              <DefinitionFilters definitionId={chosen.id} />
            </div>
          </div>
        </section>
      )}
    </div>
  );
}
