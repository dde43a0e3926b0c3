// Transforms: the organization's config as JSON, saved as a new version; a live preview of
// the draft on a stored event; versions with diff and rollback; the tag store.
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/client';
import { bodyOf, EVENT_TYPES, transformApi, type TransformBody } from '../api/transform';
import { ActionButton } from '../components/Action';
import { CodeEditor } from '../components/CodeEditor';
import { Errors } from '../components/Errors';
import { useLoad } from '../hooks/useLoad';
import { Preview } from './transforms/Preview';
import { Tags } from './transforms/Tags';
import { Versions } from './transforms/Versions';
import './Transforms.css';

const STARTER: TransformBody = {
  name: 'My transform',
  format: 'default',
  event_type: [...EVENT_TYPES],
  default_label: [{ key: 'provider_id', value: 'switchyard' }],
  transform: [{ type: 'add_dynamic_tag', key: 'customer', value: '{{customer}}' }],
};

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

function parseDraft(text: string): { body: TransformBody | null; problem: string | null } {
  try {
    const v = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { body: null, problem: 'The config must be a JSON object.' };
    return { body: v as TransformBody, problem: null };
  } catch (e) {
    return { body: null, problem: `Not valid JSON: ${(e as Error).message}` };
  }
}

/** The saved config, or null while the organization has none (a 404). */
async function loadSaved() {
  try {
    return await transformApi.get();
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function Transforms({ eventId, go }: { eventId: string | null; go: (hash: string) => void }) {
  const saved = useLoad(loadSaved, []);
  const versions = useLoad(() => (saved.data ? transformApi.versions() : Promise.resolve({ items: [], next_cursor: null })), [saved.data?.version]);
  const [text, setText] = useState<string | null>(null);
  const [tagsChanged, setTagsChanged] = useState(0);
  const [restores, setRestores] = useState(0);
  // The editor starts from the saved config (or a starter), and follows saves and rollbacks.
  useEffect(() => {
    if (saved.data !== undefined) setText(pretty(saved.data ? bodyOf(saved.data) : STARTER));
  }, [saved.data]);
  const draft = useMemo(() => parseDraft(text ?? ''), [text]);
  const [lastGood, setLastGood] = useState<TransformBody | null>(null);
  useEffect(() => void (draft.body && setLastGood(draft.body)), [draft.body]);

  if (saved.error) return <div className="view"><h2>Transforms</h2><Errors error={saved.error} /></div>;
  if (text === null) return <div className="view"><h2>Transforms</h2><p className="muted">Loading…</p></div>;
  const save = async () => {
    if (!draft.body) throw new Error(draft.problem ?? 'Nothing to save');
    const result = saved.data ? await transformApi.replace(draft.body) : await transformApi.create(draft.body);
    await saved.reload();
    return `Saved as v${result.version}`;
  };
  return (
    <div className="view transforms">
      <div className="toolbar">
        <h2>Transforms</h2>
        {saved.data ? <span className="muted">current: v{saved.data.version}, {saved.data.format} format</span> : <span className="badge">not saved yet</span>}
      </div>
      <section>
        <h3>Config</h3>
        {!saved.data && <p className="muted">No transform config yet. Start from this example, check the preview below, then Save.</p>}
        <CodeEditor label="Transform config (JSON)" value={text} onChange={setText} height="300px" />
        {draft.problem && <p className="error">{draft.problem}</p>}
        <div className="toolbar tx-actions">
          {/* a rollback replaces the draft: the last save's outcome no longer applies to it */}
          <ActionButton key={restores} className="primary" label={saved.data ? 'Save' : 'Create'} disabled={!draft.body} run={save} />
          {saved.data && <button type="button" onClick={() => setText(pretty(bodyOf(saved.data!)))}>Discard changes</button>}
        </div>
      </section>
      <section>
        <h3>Preview</h3>
        <Preview draft={draft.body ?? lastGood} eventId={eventId} refresh={tagsChanged} onPickEvent={(id) => go(`#/transforms?event=${encodeURIComponent(id)}`)} />
      </section>
      <section>
        <h3>Versions</h3>
        <Errors error={versions.error} />
        <Versions versions={versions.data?.items ?? []} onRolledBack={async () => { await saved.reload(); setRestores((n) => n + 1); }} />
      </section>
      <section>
        <h3>Tag store</h3>
        <Tags onChange={() => setTagsChanged((n) => n + 1)} />
      </section>
    </div>
  );
}
