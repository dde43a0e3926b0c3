// The service catalog: services, environments and functionalities. An event tagged
// `<kind>:<slug>` links to the component (and its alert and case with it).
import { useState } from 'react';
import { CATALOG_KINDS, catalogApi, catalogTag, type CatalogComponent, type CatalogKind } from '../api/catalog';
import { ActionButton } from '../components/Action';
import { ConfirmButton } from '../components/ConfirmButton';
import { CopyButton } from '../components/Copy';
import { DataTable, type Column } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { Field } from '../components/Field';
import { Form } from '../components/FormErrors';
import { SelectField } from '../components/SelectField';
import { Time } from '../components/Time';
import { unpaged } from '../hooks/unpaged';
import { useLoad } from '../hooks/useLoad';
import './Catalog.css';

function AddComponent({ onAdded }: { onAdded: () => Promise<void> }) {
  const [kind, setKind] = useState<CatalogKind>('service');
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const add = async () => {
    const c = await catalogApi.create({ kind, name, ...(slug.trim() ? { slug } : {}) });
    setName('');
    setSlug('');
    await onAdded();
    return `Added — tag events with ${catalogTag(c)}`;
  };
  return (
    <Form className="toolbar catalog-form" aria-label="New component">
      <SelectField label="Kind" name="kind" value={kind} options={CATALOG_KINDS} onChange={(v) => setKind(v as CatalogKind)} />
      <Field label="Component name" name="name"><input value={name} onChange={(e) => setName(e.target.value)} /></Field>
      <Field label="Slug" name="slug" hint="Empty = from the name."><input value={slug} onChange={(e) => setSlug(e.target.value)} /></Field>
      <ActionButton label="Add component" className="primary" run={add} />
    </Form>
  );
}

export function Catalog() {
  const [kind, setKind] = useState('');
  const catalog = useLoad(() => catalogApi.list((kind || undefined) as CatalogKind | undefined), [kind]);
  const columns: Column<CatalogComponent>[] = [
    { label: 'Name', cell: (c) => c.name },
    { label: 'Kind', cell: (c) => c.kind },
    { label: 'Tag', cell: (c) => <span className="action"><code>{catalogTag(c)}</code><CopyButton text={catalogTag(c)} /></span> },
    { label: 'Linked', cell: (c) => <a href={`#/alerts?text=${encodeURIComponent(catalogTag(c))}`}>alerts with this tag</a> },
    { label: 'Added', cell: (c) => <Time at={c.created_at} /> },
    { label: '', cell: (c) => <ConfirmButton label="Delete" question={`Delete ${catalogTag(c)}? Its tags become unlinked.`} run={async () => { await catalogApi.remove(c.id); await catalog.reload(); }} /> },
  ];
  return (
    <div className="view catalog">
      <div className="toolbar">
        <h2>Catalog</h2>
        <SelectField label="Show" value={kind} options={CATALOG_KINDS} onChange={setKind} all="every kind" />
      </div>
      <section aria-label="add a component">
        <AddComponent onAdded={catalog.reload} />
      </section>
      <DataTable rows={catalog.data?.items ?? []} columns={columns} rowKey={(c) => c.id}
        paged={unpaged(catalog)}
        empty={<EmptyState title={kind ? `No ${kind} in the catalog.` : 'The catalog is empty.'}>
          <p>Add the services, environments and functionalities your tools report on. Events tagged <code>service:&lt;slug&gt;</code>, <code>environment:&lt;slug&gt;</code> or <code>functionality:&lt;slug&gt;</code> then link to them; until then those tags show as unlinked.</p>
        </EmptyState>} />
    </div>
  );
}
