// The tag store: values transform templates reach as {{key}} before the record's own fields.
import { useState } from 'react';
import { transformApi } from '../../api/transform';
import { ActionButton } from '../../components/Action';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { Errors } from '../../components/Errors';
import { Field } from '../../components/Field';
import { Form } from '../../components/FormErrors';
import { useLoad } from '../../hooks/useLoad';

export function Tags({ onChange }: { onChange: () => void }) {
  const tags = useLoad(() => transformApi.tags(), []);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const changed = async () => {
    await tags.reload();
    onChange();
  };
  return (
    <>
      <Errors error={tags.error} />
      <DataTable
        rows={tags.data?.items ?? []}
        rowKey={(t) => t.key}
        empty={<EmptyState title="No tags yet.">Add one below; a transform's <code>{'{{key}}'}</code> then resolves to its value.</EmptyState>}
        columns={[
          { label: 'key', cell: (t) => <code>{`{{${t.key}}}`}</code> },
          { label: 'value', cell: (t) => t.value },
          { label: 'action', cell: (t) => <button type="button" className="small" onClick={() => { setKey(t.key); setValue(t.value); }}>Edit</button> },
          { label: '', cell: (t) => <ConfirmButton label="Delete" question={`Delete {{${t.key}}}?`} run={async () => { await transformApi.deleteTag(t.key); await changed(); }} /> },
        ]}
      />
      <Form className="toolbar tx-tag-form" aria-label="Set a tag">
        <Field label="Tag key" name="key"><input value={key} onChange={(e) => setKey(e.target.value)} placeholder="provider_id" /></Field>
        <Field label="Tag value" name="value"><input value={value} onChange={(e) => setValue(e.target.value)} /></Field>
        <ActionButton label="Save tag" run={async () => {
          await transformApi.setTag(key, value);
          setKey('');
          setValue('');
          await changed();
          return 'Saved';
        }} />
      </Form>
    </>
  );
}
