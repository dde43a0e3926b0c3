// A definition's filters: deduplicate (JSONata group value + window) and snooze (JSONata
// condition + end time); add one, expire one. Expired filters stay listed for history.
import { useState } from 'react';
import { definitionApi, FILTER_KINDS, filterActive, type FilterKind, type SignalFilter } from '../api/definitions';
import { ActionButton } from '../components/Action';
import { Badge } from '../components/Badge';
import { DataTable, type Column } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { Field } from '../components/Field';
import { Form } from '../components/FormErrors';
import { SelectField } from '../components/SelectField';
import { Time } from '../components/Time';
import { unpaged } from '../hooks/unpaged';
import { useLoad } from '../hooks/useLoad';

/** `datetime-local` gives local time without a zone; the API wants ISO 8601. */
const isoOfLocal = (v: string) => (v ? new Date(v).toISOString() : null);

function AddFilter({ definitionId, onAdded }: { definitionId: string; onAdded: () => Promise<void> }) {
  const [kind, setKind] = useState<FilterKind>('deduplicate');
  const [name, setName] = useState('');
  const [expression, setExpression] = useState('');
  const [windowS, setWindowS] = useState('');
  const [until, setUntil] = useState('');
  const add = async () => {
    const f = await definitionApi.addFilter(definitionId, kind === 'deduplicate'
      ? { kind, name, expression, window_s: windowS.trim() === '' ? null : Number(windowS) }
      : { kind, name, expression, until: isoOfLocal(until) });
    setName('');
    setExpression('');
    await onAdded();
    return `Added ${f.name}`;
  };
  return (
    <Form className="form add-filter" aria-label="Add a filter">
      <SelectField label="Filter kind" name="kind" value={kind} options={FILTER_KINDS} onChange={(v) => setKind(v as FilterKind)} />
      <Field label="Filter name" name="name"><input value={name} onChange={(e) => setName(e.target.value)} /></Field>
      <Field label="Expression" name="expression" hint={kind === 'deduplicate' ? 'JSONata over the event; signals with the same value join the earlier alert, e.g. raw.raw.hostIdentifier' : 'JSONata over the event; truthy = snoozed (stored, raising nothing)'}>
        <input className="mono" value={expression} onChange={(e) => setExpression(e.target.value)} />
      </Field>
      {kind === 'deduplicate'
        ? <Field label="Window (seconds)" name="window_s" hint="The earlier alert must have been seen this recently."><input type="number" value={windowS} onChange={(e) => setWindowS(e.target.value)} /></Field>
        : <Field label="Snooze until" name="until"><input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} /></Field>}
      <div><ActionButton label="Add filter" run={add} /></div>
    </Form>
  );
}

export function DefinitionFilters({ definitionId }: { definitionId: string }) {
  const filters = useLoad(() => definitionApi.filters(definitionId), [definitionId]);
  const columns: Column<SignalFilter>[] = [
    { label: 'Name', cell: (f) => f.name },
    { label: 'Kind', cell: (f) => f.kind },
    { label: 'Expression', cell: (f) => <code>{f.expression}</code> },
    { label: 'Window / until', cell: (f) => (f.kind === 'deduplicate' ? (f.window_s ? `${f.window_s} s` : '—') : <Time at={f.until} />) },
    { label: 'State', cell: (f) => <Badge value={filterActive(f) ? 'active' : 'expired'} /> },
    { label: '', cell: (f) => (filterActive(f) ? <ActionButton label="Expire" run={async () => { await definitionApi.expireFilter(f.id); await filters.reload(); return 'Expired'; }} /> : <span className="muted">expired <Time at={f.expired_at ?? f.until} /></span>) },
  ];
  return (
    <>
      <DataTable rows={filters.data?.items ?? []} columns={columns} rowKey={(f) => f.id} paged={unpaged(filters)}
        empty={<EmptyState title="No filters on this definition."><p>Add a deduplicate filter to group repeating signals, or a snooze filter to silence them for a while.</p></EmptyState>} />
      <h4>Add a filter</h4>
      <AddFilter definitionId={definitionId} onAdded={filters.reload} />
    </>
  );
}
