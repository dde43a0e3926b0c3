// Create a source: name, dialect, transposer (custom), URL token, auto-resolve.
import { useState } from 'react';
import { DIALECTS, sourceApi, type Dialect, type SourceWithToken } from '../api/sources';
import { ActionButton } from '../components/Action';
import { CodeEditor } from '../components/CodeEditor';
import { Field } from '../components/Field';
import { Form } from '../components/FormErrors';
import { SelectField } from '../components/SelectField';

const EXAMPLE_TRANSPOSER = '{ "summary": alert.name, "level": alert.sev, "idempotency_key": alert.id }';

export function SourceForm({ onCreated }: { onCreated: (s: SourceWithToken) => Promise<void> }) {
  const [name, setName] = useState('');
  const [dialect, setDialect] = useState<Dialect>('generic');
  const [transposer, setTransposer] = useState(EXAMPLE_TRANSPOSER);
  const [urlToken, setUrlToken] = useState(false);
  const [autoResolve, setAutoResolve] = useState('');
  const create = async () => {
    const created = await sourceApi.create({
      name, dialect, url_token: urlToken,
      ...(dialect === 'custom' ? { transposer } : {}),
      auto_resolve_after_s: autoResolve.trim() === '' ? null : Number(autoResolve),
    });
    setName('');
    await onCreated(created);
    return `Created ${created.name}${created.url_token ? ' — copy its URL token below now' : ''}`;
  };
  return (
    <Form className="form source-form" aria-label="New source">
      <Field label="Source name" name="name"><input value={name} onChange={(e) => setName(e.target.value)} /></Field>
      <SelectField label="Dialect" name="dialect" value={dialect} options={DIALECTS} onChange={(v) => setDialect(v as Dialect)} />
      {dialect === 'custom' && (
        <Field label="Transposer" name="transposer" hint="JSONata mapping your tool's JSON to the event model (summary, body, status, level, idempotency_key, tags…).">
          <CodeEditor label="transposer" language="text" value={transposer} onChange={setTransposer} height="120px" />
        </Field>
      )}
      <Field label="Issue a URL token" name="url_token" hint="For tools that cannot set an Authorization header: POST /v1/hooks/<token>."><input type="checkbox" checked={urlToken} onChange={(e) => setUrlToken(e.target.checked)} /></Field>
      <Field label="Auto-resolve after (seconds)" name="auto_resolve_after_s" hint="Resolve this source's alerts after this long without a new event; empty = never."><input type="number" value={autoResolve} onChange={(e) => setAutoResolve(e.target.value)} /></Field>
      <div><ActionButton label="Create source" className="primary" run={create} /></div>
    </Form>
  );
}
