// Sources: where tools post. Create one, then copy its URLs and a curl command, test its
// transposer on a sample, rotate its URL token; plus custom indicator mappings.
import { useState } from 'react';
import { sourceApi, type Dialect, type SourceWithToken } from '../api/sources';
import { EmptyState } from '../components/EmptyState';
import { Errors } from '../components/Errors';
import { useLoad } from '../hooks/useLoad';
import { IndicatorMappings } from './IndicatorMappings';
import { SourceCard } from './SourceCard';
import { SourceForm } from './SourceForm';
import './Sources.css';

export function Sources() {
  const sources = useLoad(() => sourceApi.list(), []);
  const samples = useLoad(() => sourceApi.samples(), []);
  const [revealed, setRevealed] = useState<SourceWithToken | null>(null);
  const [creating, setCreating] = useState(false);
  const sampleOf = (d: Dialect) => samples.data?.items.find((s) => s.dialect === d)?.body;
  const items = sources.data?.items ?? [];
  return (
    <div className="view sources">
      <div className="toolbar">
        <h2>Sources</h2>
        <button type="button" className="primary" onClick={() => setCreating(!creating)}>{creating ? 'Close' : 'New source'}</button>
      </div>
      {creating && (
        <section aria-label="new source">
          <h3>New source</h3>
          <SourceForm onCreated={async (s) => { if (s.url_token) setRevealed(s); await sources.reload(); }} />
        </section>
      )}
      <Errors error={sources.error} />
      {sources.data && !items.length && (
        <EmptyState title="No sources yet.">
          <p>Every dialect already has an endpoint (any ingest key works); create a source to get a custom endpoint with your own JSONata mapping, a URL token for tools that cannot set headers, or auto-resolve. Press “New source”.</p>
        </EmptyState>
      )}
      {/* A card needs its dialect's sample to start from; wait for the samples (or their failure). */}
      {!samples.loading && items.map((s) => (
        <SourceCard key={s.id} source={s} defaultSample={sampleOf(s.dialect)} revealed={revealed?.id === s.id ? revealed : null}
          onChanged={sources.reload} onRevealed={setRevealed} onDismissToken={() => setRevealed(null)} />
      ))}
      <IndicatorMappings />
    </div>
  );
}
