// Create or edit a signal definition: every field POST/PATCH /api/definitions takes.
import { useState } from 'react';
import { definitionApi, type DefinitionInput, type SignalDefinition } from '../api/definitions';
import { ActionButton } from '../components/Action';
import { Field } from '../components/Field';
import { Form } from '../components/FormErrors';

type Draft = Record<'name' | 'description' | 'external_id' | 'variant' | 'owner' | 'conversation_target' | 'auto_resolve_after_s', string> & { create_case: boolean; enabled: boolean };

const draftOf = (d?: SignalDefinition): Draft => ({
  name: d?.name ?? '', description: d?.description ?? '', external_id: d?.external_id ?? '',
  variant: d?.variant ?? '', owner: d?.owner ?? '', conversation_target: d?.conversation_target ?? '',
  auto_resolve_after_s: d?.auto_resolve_after_s == null ? '' : String(d.auto_resolve_after_s),
  create_case: d?.create_case ?? true, enabled: d?.enabled ?? true,
});

const orNull = (s: string) => (s.trim() === '' ? null : s);

/** Empty optional fields become null; the number is sent as typed so the API judges it. */
function inputOf(d: Draft): DefinitionInput {
  return {
    name: d.name, description: d.description, external_id: d.external_id,
    variant: orNull(d.variant), owner: orNull(d.owner), conversation_target: orNull(d.conversation_target),
    auto_resolve_after_s: d.auto_resolve_after_s.trim() === '' ? null : Number(d.auto_resolve_after_s),
    create_case: d.create_case, enabled: d.enabled,
  };
}

export function DefinitionForm({ definition, onSaved }: { definition?: SignalDefinition; onSaved: (d: SignalDefinition) => void }) {
  const [draft, setDraft] = useState(() => draftOf(definition));
  const text = (key: keyof Draft) => ({
    value: draft[key] as string,
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
  });
  const save = async () => {
    const saved = definition ? await definitionApi.update(definition.id, inputOf(draft)) : await definitionApi.create(inputOf(draft));
    onSaved(saved);
    if (!definition) setDraft(draftOf());
    return definition ? 'Saved' : `Created ${saved.name}`;
  };
  return (
    <Form className="form definition-form" aria-label={definition ? 'Edit definition' : 'New definition'}>
      <Field label="Name" name="name"><input {...text('name')} /></Field>
      <Field label="External id" name="external_id" hint="Signal instances attach by raw.externalId; unique across definitions."><input {...text('external_id')} /></Field>
      <Field label="Variant" name="variant" hint="Empty matches any raw.variant."><input {...text('variant')} /></Field>
      <Field label="Description" name="description"><textarea rows={2} {...text('description')} /></Field>
      <Field label="Owner" name="owner"><input {...text('owner')} /></Field>
      <Field label="Conversation target" name="conversation_target" hint="The channel a case for this signal is opened in."><input {...text('conversation_target')} /></Field>
      <Field label="Auto-resolve after (seconds)" name="auto_resolve_after_s" hint="Resolve an open alert with no new event for this long; empty = never."><input type="number" {...text('auto_resolve_after_s')} /></Field>
      <div className="checks">
        <Field label="Create a case" name="create_case"><input type="checkbox" checked={draft.create_case} onChange={(e) => setDraft({ ...draft, create_case: e.target.checked })} /></Field>
        <Field label="Enabled" name="enabled"><input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} /></Field>
      </div>
      <div><ActionButton label={definition ? 'Save definition' : 'Create definition'} className="primary" run={save} /></div>
    </Form>
  );
}
