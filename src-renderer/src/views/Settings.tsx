// Settings: SMTP with a test e-mail, API keys, the public URL, the search URL template, retention, flap
// detection, and the outgoing address policy (read-only).
import { settingsApi } from '../api/settings';
import { Errors } from '../components/Errors';
import { useLoad } from '../hooks/useLoad';
import { ApiKeys } from './settings/ApiKeys';
import { FlapForm, OutgoingPolicyView, PublicUrlForm, RetentionForm, SearchUrlForm } from './settings/SmallForms';
import { SmtpSection } from './settings/SmtpSection';
import './Settings.css';

export function Settings() {
  const settings = useLoad(() => settingsApi.get(), []);
  const s = settings.data;
  return (
    <div className="view settings">
      <div className="toolbar"><h2>Settings</h2></div>
      <Errors error={settings.error} />
      {!s ? !settings.error && <p className="muted">Loading…</p> : (
        <>
          <section aria-label="E-mail (SMTP)"><h3>E-mail (SMTP)</h3><SmtpSection saved={s.smtp} onSaved={() => void settings.reload()} /></section>
          <section aria-label="API keys"><h3>API keys</h3><ApiKeys /></section>
          <section aria-label="Public URL"><h3>Public URL</h3><PublicUrlForm saved={s.public_url} /></section>
          <section aria-label="Search URL template"><h3>Search URL template</h3><SearchUrlForm saved={s.search_url_template} /></section>
          <section aria-label="Retention"><h3>Retention</h3><RetentionForm saved={s.retention} /></section>
          <section aria-label="Flap detection"><h3>Flap detection</h3><FlapForm saved={s.flap} /></section>
          <section aria-label="Outgoing addresses"><h3>Outgoing addresses</h3><p className="muted">Where deliveries may connect (fixed for this workstation product).</p><OutgoingPolicyView policy={s.outgoing} /></section>
        </>
      )}
    </div>
  );
}
