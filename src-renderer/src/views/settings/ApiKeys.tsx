// API keys: list, create (the key is shown once, never stored by the UI), revoke.
import { useState } from 'react';
import { keyApi, SCOPES, type Scope } from '../../api/settings';
import { ActionButton } from '../../components/Action';
import { CheckList } from '../../components/CheckList';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { Errors } from '../../components/Errors';
import { Field } from '../../components/Field';
import { Form } from '../../components/FormErrors';
import { SecretOnce } from '../../components/SecretOnce';
import { Time } from '../../components/Time';
import { useLoad } from '../../hooks/useLoad';

export function ApiKeys() {
  const keys = useLoad(() => keyApi.list(), []);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['ingest']);
  const [fresh, setFresh] = useState<{ name: string; key: string } | null>(null);
  return (
    <>
      <Errors error={keys.error} />
      <DataTable
        rows={keys.data?.items ?? []}
        rowKey={(k) => k.id}
        empty={<EmptyState title="No API keys.">Create one below: tools need an <code>ingest</code> key to send events, scripts an <code>admin</code> key.</EmptyState>}
        columns={[
          { label: 'name', cell: (k) => k.name },
          { label: 'starts with', cell: (k) => <code>{k.prefix}…</code> },
          { label: 'scopes', cell: (k) => k.scopes.join(', ') },
          { label: 'created', cell: (k) => <Time at={k.created_at} /> },
          { label: '', cell: (k) => <ConfirmButton label="Revoke" question={`Revoke "${k.name}"? Anything using it stops working.`} run={async () => { await keyApi.remove(k.id); await keys.reload(); }} /> },
        ]}
      />
      <h4>New key</h4>
      <Form className="form" aria-label="New key">
        <Field label="Key name" name="name"><input value={name} onChange={(e) => setName(e.target.value)} placeholder="my monitoring tool" /></Field>
        <CheckList legend="Scopes" name="scopes" options={SCOPES} value={scopes} onChange={setScopes} />
        <div>
          <ActionButton className="primary" label="Create key" run={async () => {
            const created = await keyApi.create(name, scopes);
            setFresh({ name: created.name, key: created.key });
            setName('');
            await keys.reload();
            return 'Created';
          }} />
        </div>
      </Form>
      {fresh && <SecretOnce label={`API key "${fresh.name}"`} secret={fresh.key} onDismiss={() => setFresh(null)} />}
    </>
  );
}
