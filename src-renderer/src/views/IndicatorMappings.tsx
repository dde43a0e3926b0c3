// Custom indicator mappings: a path into the raw payload → an indicator type (pass 3 of
// indicator extraction, for every source of the organization).
import { useState } from 'react';
import { INDICATOR_TYPES, sourceApi, type IndicatorMapping, type IndicatorType } from '../api/sources';
import { ActionButton } from '../components/Action';
import { DataTable, type Column } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { Field } from '../components/Field';
import { Form } from '../components/FormErrors';
import { SelectField } from '../components/SelectField';
import { Time } from '../components/Time';
import { unpaged } from '../hooks/unpaged';
import { useLoad } from '../hooks/useLoad';

export function IndicatorMappings() {
  const mappings = useLoad(() => sourceApi.mappings(), []);
  const [path, setPath] = useState('');
  const [type, setType] = useState<IndicatorType>('ip');
  const columns: Column<IndicatorMapping>[] = [
    { label: 'Path', cell: (m) => <code>{m.path}</code> },
    { label: 'Type', cell: (m) => m.type },
    { label: 'Added', cell: (m) => <Time at={m.created_at} /> },
    { label: '', cell: (m) => <ActionButton label="Remove" className="danger" run={async () => { await sourceApi.removeMapping(m.id); await mappings.reload(); }} /> },
  ];
  return (
    <section aria-label="indicator mappings">
      <h3>Indicator mappings</h3>
      <DataTable rows={mappings.data?.items ?? []} columns={columns} rowKey={(m) => m.id} paged={unpaged(mappings)}
        empty={<EmptyState title="No custom indicator mappings."><p>Map a path in your payloads (e.g. <code>event.sourceIp</code> or <code>alerts[*].labels.host</code>) to an indicator type to extract it from every event.</p></EmptyState>} />
      <Form className="toolbar mapping-form" aria-label="Add a mapping">
        <Field label="Payload path" name="path"><input value={path} onChange={(e) => setPath(e.target.value)} /></Field>
        <SelectField label="Indicator type" name="type" value={type} options={INDICATOR_TYPES} onChange={(v) => setType(v as IndicatorType)} />
        <ActionButton label="Add mapping" run={async () => { await sourceApi.addMapping({ path, type }); setPath(''); await mappings.reload(); return 'Added'; }} />
      </Form>
    </section>
  );
}
