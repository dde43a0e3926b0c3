// Live preview: a stored event rendered through the DRAFT config (debounced as it is typed),
// before (the record the transform starts from) beside after (the output), with their diff.
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { IDENTITY_CONFIG, transformApi, type TransformPreview, type TransformBody } from '../../api/transform';
import { DiffView } from '../../components/DiffView';
import { EmptyState } from '../../components/EmptyState';
import { Errors } from '../../components/Errors';
import { Field } from '../../components/Field';
import { Json } from '../../components/Json';
import { useDebounced } from '../../hooks/useDebounced';
import { useLoad } from '../../hooks/useLoad';

/** Answers for the latest request only: a slow earlier preview never overwrites a newer one. */
function useLatest<T>(load: (() => Promise<T>) | null, deps: unknown[]): { data?: T; error: unknown; busy: boolean } {
  const [state, setState] = useState<{ data?: T; error: unknown; busy: boolean }>({ error: null, busy: false });
  useEffect(() => {
    if (!load) return setState({ error: null, busy: false });
    let current = true;
    setState((s) => ({ ...s, busy: true }));
    load().then(
      (data) => current && setState({ data, error: null, busy: false }),
      (error) => current && setState({ error, busy: false }),
    );
    return () => void (current = false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}

/** `refresh` changes when something the render reads besides the draft changed (the tag store). */
export function Preview({ draft, eventId, onPickEvent, refresh }: { draft: TransformBody | null; eventId: string | null; onPickEvent: (id: string) => void; refresh: number }) {
  const events = useLoad(() => api.listEvents({ limit: 25 }), []);
  const settledDraft = useDebounced(draft, 400);
  const draftKey = JSON.stringify(settledDraft);
  const before = useLatest<TransformPreview>(eventId ? () => transformApi.preview(eventId, IDENTITY_CONFIG) : null, [eventId]);
  const after = useLatest<TransformPreview>(eventId && settledDraft ? () => transformApi.preview(eventId, settledDraft) : null, [eventId, draftKey, refresh]);

  const list = events.data?.items ?? [];
  if (!events.loading && list.length === 0 && !eventId) {
    return (
      <EmptyState title="No stored events to preview with.">
        <p>Send an event (see <a href="#/events">Live events</a> for a curl line), then pick it here to see what your transform makes of it.</p>
      </EmptyState>
    );
  }
  const record = before.data?.payload[0];
  const output = after.data?.payload[0];
  return (
    <div className="tx-preview">
      <Field label="Preview event" hint="the output is rendered with the draft above, without saving it">
        <select value={eventId ?? ''} onChange={(e) => onPickEvent(e.target.value)}>
          <option value="" disabled>pick a stored event…</option>
          {eventId && !list.some((e) => e.id === eventId) && <option value={eventId}>{eventId}</option>}
          {list.map((e) => <option key={e.id} value={e.id}>{e.title} — {e.severity} — {new Date(e.received_at).toLocaleString()}</option>)}
        </select>
      </Field>
      <Errors error={events.error ?? before.error} />
      {eventId && (
        <>
          <Errors error={after.error} />
          <p className="muted" aria-live="polite">{after.busy ? 'Rendering…' : after.data ? `${after.data.payload.length} record(s) rendered` : ''}</p>
          {after.data && (
            <div className="tx-unresolved" aria-label="Unresolved names">
              {after.data.unresolved.length
                ? <p><strong>Unresolved names</strong> (left out of the payload): {after.data.unresolved.map((n) => <code key={n}>{`{{${n}}}`}</code>)}</p>
                : <p className="muted">Every {'{{name}}'} resolved.</p>}
              {after.data.notes.map((n) => <p key={n} className="muted">{n}</p>)}
            </div>
          )}
          <div className="columns">
            <Json label="Before (the event's record)" data={record ?? null} expand={1} />
            <Json label="After (the rendered output)" data={after.data?.payload ?? null} expand={3} />
          </div>
          {record !== undefined && output !== undefined && <DiffView before={record} after={output} labels={['before', 'after']} />}
        </>
      )}
    </div>
  );
}
