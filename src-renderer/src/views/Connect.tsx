// Connect a tool: every URL a tool can post to, an ingest key made here (shown once and put
// into the snippets), copy-ready configuration per tool, and the first event as it arrives.
import { useState } from 'react';
import type { EventSummary } from '../api/client';
import { connectApi, type IngestEndpoint } from '../api/connect';
import { keyApi } from '../api/settings';
import { sourceApi, atOrigin } from '../api/sources';
import { ActionButton } from '../components/Action';
import { CopyText } from '../components/Copy';
import { Errors } from '../components/Errors';
import { Field } from '../components/Field';
import { SecretOnce } from '../components/SecretOnce';
import { Time } from '../components/Time';
import { alertmanagerSnippet, curlSnippet, grafanaSnippet, KEY_PLACEHOLDER, splunkHecSnippet } from '../connect-snippets';
import { useLoad } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';
import './Connect.css';

const AUTH: Record<IngestEndpoint['auth'], string> = {
  bearer: 'Authorization: Bearer <key>',
  splunk: 'Authorization: Splunk <key> (Bearer works too)',
  url_token: 'the token in the URL; no header',
};

function FirstEvent() {
  const [first, setFirst] = useState<EventSummary | null>(null);
  useStream('event.created', (e: EventSummary) => setFirst((f) => f ?? e));
  return (
    <section className="panel first-event" aria-label="First event">
      {first ? (
        <p role="status" className="result">
          Received: <a href={`#/events/${encodeURIComponent(first.id)}`}>{first.title}</a>{' '}
          <span className="muted">({first.dialect} from {first.source_name}, <Time at={first.received_at} />)</span>
        </p>
      ) : (
        <p role="status" className="waiting">Waiting for the first event… <span className="muted">Send one with any snippet below; it shows here the moment it is stored.</span></p>
      )}
    </section>
  );
}

function KeyMaker({ onKey }: { onKey: (key: { name: string; key: string } | null) => void }) {
  const [name, setName] = useState('my monitoring tool');
  return (
    <div className="action">
      <Field label="Key name"><input value={name} onChange={(e) => setName(e.target.value)} /></Field>
      <ActionButton className="primary" label="Create an ingest key" run={async () => {
        const created = await keyApi.create(name, ['ingest']);
        onKey({ name: created.name, key: created.key });
        return 'Created: it is in the snippets below until you leave this page';
      }} />
    </div>
  );
}

export function Connect() {
  const endpoints = useLoad(() => connectApi.endpoints(), []);
  const sources = useLoad(() => sourceApi.list(), []);
  const [key, setKey] = useState<{ name: string; key: string } | null>(null);
  const origin = location.origin;
  const k = key?.key ?? KEY_PLACEHOLDER;
  const customSources = sources.data?.items ?? [];
  return (
    <div className="view connect">
      <div className="toolbar"><h2>Connect a tool</h2></div>
      <FirstEvent />
      <section aria-label="Ingest key">
        <h3>1. An ingest key</h3>
        <p>Tools authenticate with a key that can only send events (the <code>ingest</code> scope). Create one for each tool, so each can be revoked alone (Settings lists them).</p>
        <KeyMaker onKey={setKey} />
        {key && <SecretOnce label={`Ingest key "${key.name}"`} secret={key.key} onDismiss={() => setKey(null)} />}
      </section>
      <section aria-label="Snippets">
        <h3>2. Point your tool here</h3>
        <p className="muted">{key ? 'The snippets carry the key you just created.' : <>The snippets say <code>{KEY_PLACEHOLDER}</code> until you create a key above.</>}</p>
        <div className="columns snippets">
          <div className="snippet" aria-label="curl snippet" role="group">
            <h4>curl</h4>
            <CopyText text={curlSnippet(origin, k)} label="Copy curl" />
          </div>
          <div className="snippet" aria-label="Alertmanager snippet" role="group">
            <h4>Prometheus Alertmanager</h4>
            <CopyText text={alertmanagerSnippet(origin, k)} label="Copy receiver" />
          </div>
          <div className="snippet" aria-label="Splunk HEC snippet" role="group">
            <h4>Splunk HEC sender</h4>
            <CopyText text={splunkHecSnippet(origin, k)} label="Copy HEC curl" />
          </div>
          <div className="snippet" aria-label="Grafana snippet" role="group">
            <h4>Grafana webhook contact point</h4>
            <CopyText text={grafanaSnippet(origin, k)} label="Copy contact point" />
          </div>
        </div>
      </section>
      <section aria-label="Ingest URLs">
        <h3>Every ingest URL</h3>
        <Errors error={endpoints.error} />
        <table>
          <thead><tr><th>format</th><th>URL</th><th>authentication</th></tr></thead>
          <tbody>
            {endpoints.data?.items.map((e) => (
              <tr key={e.kind}>
                <td><strong>{e.label}</strong><div className="muted">{e.description}</div></td>
                <td><CopyText text={`${origin}${e.path}`} label="Copy URL" /></td>
                <td>{AUTH[e.auth]}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h4>Your sources</h4>
        <Errors error={sources.error} />
        {sources.data && !customSources.length ? (
          <p className="muted">None yet. <a href="#/sources">Create a source</a> for a custom JSON mapping, a URL token for tools that cannot set headers, or auto-resolve.</p>
        ) : (
          <ul className="plain source-urls">
            {customSources.map((s) => (
              <li key={s.id}>
                <strong>{s.name}</strong> <span className="muted">{s.dialect}</span>
                <CopyText text={atOrigin(s.ingest_url)} label="Copy URL" />
                {s.has_token && <span className="muted">URL token <code>{s.token_prefix}…</code>: <code>{origin}/v1/hooks/&lt;token&gt;</code> (shown once when issued; rotate it under <a href="#/sources">Sources</a>)</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
