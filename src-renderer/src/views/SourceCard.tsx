// One source: the URLs to post to (the URL token's too, in full only right after it was
// issued), a curl command for its dialect, rotate token, delete, and the tester.
import { useState } from 'react';
import { atOrigin, sampleCurl, sourceApi, type Source, type SourceWithToken } from '../api/sources';
import { ActionButton } from '../components/Action';
import { Badge } from '../components/Badge';
import { ConfirmButton } from '../components/ConfirmButton';
import { CopyText } from '../components/Copy';
import { SecretOnce } from '../components/SecretOnce';
import { SourceTester } from './SourceTester';

export function SourceCard({ source, revealed, defaultSample, onChanged, onRevealed, onDismissToken }: {
  source: Source;
  /** The answer that carried the token in clear, if it was this session's last one. */
  revealed: SourceWithToken | null;
  defaultSample: unknown;
  onChanged: () => Promise<void>;
  onRevealed: (s: SourceWithToken) => void;
  onDismissToken: () => void;
}) {
  const [sample, setSample] = useState(() => JSON.stringify(defaultSample ?? {}, null, 2));
  const url = atOrigin(source.ingest_url);
  let body: unknown = {};
  try {
    body = JSON.parse(sample);
  } catch {
    // an unparsable sample leaves {} in the curl command; the tester reports the JSON error
  }
  return (
    <section className="source-card" aria-label={`source ${source.name}`}>
      <header>
        <h3>{source.name} <Badge value={source.dialect} /></h3>
        <span className="action">
          {source.auto_resolve_after_s && <span className="muted">auto-resolve after {source.auto_resolve_after_s} s</span>}
          <ActionButton label={source.has_token ? 'Rotate token' : 'Issue URL token'} run={async () => {
            onRevealed(await sourceApi.rotateToken(source.id));
            await onChanged();
            return 'New token below — copy it now';
          }} />
          <ConfirmButton label="Delete" question={`Delete “${source.name}”? Its URLs stop working.`} run={async () => { await sourceApi.remove(source.id); await onChanged(); }} />
        </span>
      </header>
      <h4>Ingest URL (with an ingest key)</h4>
      <CopyText text={url} label="Copy URL" />
      {revealed?.url_token && revealed.hook_url ? (
        <div className="token-once">
          <h4>Hook URL (the token in it authenticates; for tools that cannot set headers)</h4>
          <CopyText text={atOrigin(revealed.hook_url)} label="Copy hook URL" />
          <CopyText text={sampleCurl(atOrigin(revealed.hook_url), source.dialect, body, false)} label="Copy hook curl" />
          <SecretOnce label="URL token" secret={revealed.url_token} onDismiss={onDismissToken} />
        </div>
      ) : source.has_token ? (
        <p className="muted">URL token <code>{source.token_prefix}…</code>: its hook URL <code>{location.origin}/v1/hooks/&lt;token&gt;</code> was shown once; rotate to get a new one.</p>
      ) : null}
      <h4>Try it with curl</h4>
      <CopyText text={sampleCurl(url, source.dialect, body)} label="Copy curl" />
      {/* Open for custom sources (their transposer is the point); a click away for the others. */}
      <details className="tester" open={source.dialect === 'custom'}>
        <summary>{source.dialect === 'custom' ? 'Transposer and sample' : 'Try a sample payload'}</summary>
        <SourceTester source={source} sample={sample} onSample={setSample} onSaved={onChanged} />
      </details>
    </section>
  );
}
