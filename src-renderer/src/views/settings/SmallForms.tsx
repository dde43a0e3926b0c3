// The one-form settings: public URL, search URL template, retention, flap detection; and the outgoing
// address policy, which is fixed (shown read-only).
import { useState } from 'react';
import { settingsApi, type FlapSettings, type OutgoingPolicy, type PublicUrl, type Retention } from '../../api/settings';
import { ActionButton } from '../../components/Action';
import { Facts } from '../../components/Facts';
import { Field } from '../../components/Field';

const MIB = 1024 * 1024;
/** Blank means "no limit" (null); anything else goes to the API as typed, for it to judge. */
const numberOrNull = (s: string) => (s.trim() === '' ? null : Number(s));

export function PublicUrlForm({ saved }: { saved: PublicUrl }) {
  const [url, setUrl] = useState(saved.saved ?? '');
  const [current, setCurrent] = useState(saved);
  const fallback = current.environment ? <>SWITCHYARD_PUBLIC_URL (<code>{current.environment}</code>)</> : <>the address served (<code>{current.served}</code>)</>;
  return (
    <div className="form">
      <p className="muted">Links in e-mails, chat messages, webhook envelopes, source URLs and the OpenAPI document start with this, so they open from other machines (behind a proxy, a tunnel or a LAN name). Saving it blank goes back to {fallback}.</p>
      <p aria-label="Links use">Links use <code>{current.effective}</code>{current.saved ? ' (saved here)' : current.environment ? ' (from SWITCHYARD_PUBLIC_URL)' : ' (the address served)'}</p>
      <Field label="Public URL"><input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://switchyard.example.com" /></Field>
      <div><ActionButton className="primary" label="Save public URL" run={async () => {
        const answer = await settingsApi.savePublicUrl(url.trim() || null);
        setCurrent(answer.public_url);
        return answer.public_url.saved ? `Saved: links use ${answer.public_url.effective}` : `Removed: links use ${answer.public_url.effective}`;
      }} /></div>
    </div>
  );
}

export function SearchUrlForm({ saved }: { saved: string | null }) {
  const [template, setTemplate] = useState(saved ?? '');
  const [current, setCurrent] = useState(saved);
  return (
    <div className="form">
      <p className="muted">Transforms' <code>add_log_search_url</code> builds its links from this; <code>{'{{value}}'}</code> is replaced by the field's value. Saving it blank removes the template.</p>
      <p aria-label="Saved search URL template">{current ? <>Saved: <code>{current}</code></> : <span className="muted">None saved: <code>add_log_search_url</code> keys are left out of payloads.</span>}</p>
      <Field label="Search URL template"><input value={template} onChange={(e) => setTemplate(e.target.value)} placeholder="https://kibana.local/app/discover#/?query={{value}}" /></Field>
      <div><ActionButton className="primary" label="Save template" run={async () => {
        const answer = await settingsApi.saveSearchUrlTemplate(template.trim() || null);
        setCurrent(answer.template);
        return answer.template ? 'Saved' : 'Removed';
      }} /></div>
    </div>
  );
}

export function RetentionForm({ saved }: { saved: Retention }) {
  const [days, setDays] = useState(saved.max_age_days === null ? '' : String(saved.max_age_days));
  const [mib, setMib] = useState(saved.max_bytes === null ? '' : String(Math.round(saved.max_bytes / MIB)));
  return (
    <div className="form">
      <p className="muted">Whole event segments are deleted once they pass either limit (the one being written never is).</p>
      <Field label="Keep events for (days)" hint="blank: keep them however old"><input type="number" min={1} value={days} onChange={(e) => setDays(e.target.value)} /></Field>
      <Field label="Keep at most (MiB)" hint="blank: no size limit; the oldest events go first"><input type="number" min={1} value={mib} onChange={(e) => setMib(e.target.value)} /></Field>
      <div><ActionButton className="primary" label="Save retention" run={async () => {
        const mb = numberOrNull(mib);
        await settingsApi.saveRetention({ max_age_days: numberOrNull(days), max_bytes: mb === null ? null : Math.round(mb * MIB) });
        return 'Saved';
      }} /></div>
    </div>
  );
}

export function FlapForm({ saved }: { saved: FlapSettings }) {
  const [max, setMax] = useState(String(saved.max_transitions));
  const [windowS, setWindowS] = useState(String(saved.window_s));
  return (
    <div className="form">
      <p className="muted">An alert whose key opens and resolves more than this many times within the window is marked flapping, and its changes stop notifying until it settles.</p>
      <Field label="Max transitions"><input type="number" min={1} value={max} onChange={(e) => setMax(e.target.value)} /></Field>
      <Field label="Window (seconds)"><input type="number" min={1} value={windowS} onChange={(e) => setWindowS(e.target.value)} /></Field>
      <div><ActionButton className="primary" label="Save flap detection" run={async () => {
        await settingsApi.saveFlap({ max_transitions: Number(max), window_s: Number(windowS) });
        return 'Saved';
      }} /></div>
    </div>
  );
}

export function OutgoingPolicyView({ policy }: { policy: OutgoingPolicy }) {
  return (
    <Facts items={[
      ['Receivers on this machine (loopback)', policy.allow_loopback ? 'allowed' : 'refused'],
      ['Receivers on the LAN (private ranges)', policy.allow_private ? `allowed: ${policy.private_ranges.join(', ')}` : 'refused'],
      ['Always refused', policy.always_refused.join(', ')],
    ]} />
  );
}
