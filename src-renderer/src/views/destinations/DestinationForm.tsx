// Create or edit a destination: common fields, then the fields its kind takes. Every value
// goes to the API as typed; its field messages (e.g. `uri: is not a valid URL`) are shown as
// they come. Editing starts from the destination as the API shows it: masked header values
// go back as shown, which keeps the saved secrets; the HEC token field starts blank (keep).
import { useState } from 'react';
import {
  destinationApi, DESTINATION_KINDS, HEADERS_MAX, WEBHOOK_FORMATS,
  type Destination, type DestinationInput, type DestinationKind, type DestinationPatch, type HeaderEntry, type WebhookFormat, type WithSecret,
} from '../../api/destinations';
import { EVENT_TYPES, type EventType } from '../../api/transform';
import { ActionButton } from '../../components/Action';
import { CheckList } from '../../components/CheckList';
import { Field } from '../../components/Field';
import { KeyValueRows } from '../../components/KeyValueRows';

const KIND_HINTS: Record<DestinationKind, string> = {
  webhook: 'POSTs the records (signed, Standard Webhooks) to one URI',
  splunk_hec: 'Splunk HTTP Event Collector: records in the splunk format with your HEC token',
  mattermost: 'a readable message to a Mattermost incoming webhook',
  slack: 'a readable message to a Slack incoming webhook',
  teams: 'a readable message to a Microsoft Teams incoming webhook',
  email: 'an e-mail through the SMTP server in Settings',
  in_app: 'a notification in the bell',
};

const usesUri = (k: DestinationKind) => k === 'webhook' || k === 'splunk_hec' || k === 'mattermost' || k === 'slack' || k === 'teams';

/** Only the fields this kind takes, so the API judges exactly what the user meant. */
function inputOf(f: FormState): DestinationInput {
  const input: DestinationInput = { name: f.name, kind: f.kind, event_type: f.eventTypes, enabled: f.enabled, email_for_error: f.emailForError.trim() || null };
  if (usesUri(f.kind)) input.uri = f.uri;
  if (f.kind === 'webhook') Object.assign(input, { format: f.format, headers: f.headers });
  if (f.kind === 'splunk_hec') input.token = f.token;
  if (f.kind === 'email') Object.assign(input, { email_to: f.emailTo, email_enriched: f.enriched });
  return input;
}

/** An edit sends the same fields but kind (it cannot change); a blank token keeps the saved one. */
function patchOf(f: FormState): DestinationPatch {
  const { kind: _kind, ...patch }: DestinationPatch = inputOf(f);
  if (f.kind === 'splunk_hec' && f.token === '') delete patch.token;
  return patch;
}

/** The form filled from a destination as the API shows it (secrets masked). */
function stateOf(d: Destination): FormState {
  return {
    name: d.name, kind: d.kind, eventTypes: [...d.event_type], enabled: d.enabled, emailForError: d.email_for_error ?? '',
    uri: d.uri ?? '', format: d.format, headers: d.headers.map((h) => ({ ...h })), token: '', emailTo: d.email_to ?? '', enriched: d.email_enriched,
  };
}

interface FormState {
  name: string;
  kind: DestinationKind;
  eventTypes: EventType[];
  enabled: boolean;
  emailForError: string;
  uri: string;
  format: WebhookFormat;
  headers: HeaderEntry[];
  token: string;
  emailTo: string;
  enriched: boolean;
}

const EMPTY: FormState = {
  name: '', kind: 'webhook', eventTypes: [...EVENT_TYPES], enabled: true, emailForError: '',
  uri: '', format: 'default', headers: [], token: '', emailTo: '', enriched: false,
};

export function DestinationForm({ editing, onCreated, onSaved, onCancel }: {
  /** Edit this destination instead of creating one. */
  editing?: Destination;
  onCreated?: (d: WithSecret<Destination>) => void;
  onSaved?: (d: Destination) => void;
  onCancel: () => void;
}) {
  const [f, setF] = useState<FormState>(() => (editing ? stateOf(editing) : EMPTY));
  const set = (patch: Partial<FormState>) => setF((prev) => ({ ...prev, ...patch }));
  const text = (key: 'name' | 'uri' | 'token' | 'emailTo' | 'emailForError') => ({ value: f[key], onChange: (e: { target: { value: string } }) => set({ [key]: e.target.value }) });
  return (
    <form className="form dest-form" aria-label={editing ? 'Edit destination' : 'New destination'} onSubmit={(e) => e.preventDefault()}>
      <Field label="Name"><input {...text('name')} placeholder="Ops webhook" /></Field>
      <Field label="Kind" hint={editing ? `${KIND_HINTS[f.kind]} (a kind cannot change: create a new destination for another)` : KIND_HINTS[f.kind]}>
        <select value={f.kind} disabled={!!editing} onChange={(e) => set({ kind: e.target.value as DestinationKind })}>
          {DESTINATION_KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
        </select>
      </Field>
      {usesUri(f.kind) && <Field label="URI" hint={f.kind === 'webhook' ? `try the built-in request bin: ${location.origin}/bin/demo` : 'the incoming-webhook URL'}><input {...text('uri')} placeholder="https://" /></Field>}
      {f.kind === 'webhook' && (
        <>
          <Field label="Format" hint="default: JSON array of records; splunk: HEC envelopes; envelope: {type, action, attributes, metadata}; transform: whichever of default and splunk the transform config says at each delivery">
            <select value={f.format} onChange={(e) => set({ format: e.target.value as WebhookFormat })}>
              {WEBHOOK_FORMATS.map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          </Field>
          <KeyValueRows legend="Headers" rows={f.headers} max={HEADERS_MAX} onChange={(headers) => set({ headers })} />
          {editing && f.headers.some((h) => h.value.endsWith('***')) && <p className="hint">Values shown as <code>***</code> are saved secrets: left as they are, they are kept; type a new value to replace one.</p>}
        </>
      )}
      {f.kind === 'splunk_hec' && (
        <Field label="HEC token" hint={editing ? 'leave blank to keep the saved token; a new one replaces it (never shown again)' : 'sent as Authorization: Splunk <token>; never shown again'}>
          <input type="password" autoComplete="off" {...text('token')} placeholder={editing ? 'saved (unchanged)' : undefined} />
        </Field>
      )}
      {f.kind === 'email' && (
        <>
          <Field label="Send to"><input type="email" {...text('emailTo')} placeholder="soc@example.com" /></Field>
          <label className="check"><input type="checkbox" checked={f.enriched} onChange={(e) => set({ enriched: e.target.checked })} /> Enriched (the event's context, not only a link)</label>
        </>
      )}
      <CheckList legend="Event types" options={EVENT_TYPES} value={f.eventTypes} onChange={(eventTypes) => set({ eventTypes })} />
      <Field label="E-mail on failure" hint="optional: told when deliveries to this destination fail"><input type="email" {...text('emailForError')} /></Field>
      <label className="check"><input type="checkbox" checked={f.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled</label>
      <div className="toolbar">
        {editing ? (
          <ActionButton className="primary" label="Save changes" run={async () => {
            onSaved?.(await destinationApi.update(editing.id, patchOf(f)));
          }} />
        ) : (
          <ActionButton className="primary" label="Create destination" run={async () => {
            onCreated?.(await destinationApi.create(inputOf(f)));
            setF(EMPTY);
          }} />
        )}
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
