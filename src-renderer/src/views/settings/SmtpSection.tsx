// SMTP for e-mail destinations and failure notices; the password is write-only.
import { useState } from 'react';
import { settingsApi, type SmtpInput, type SmtpSettings } from '../../api/settings';
import { ActionButton } from '../../components/Action';
import { Field } from '../../components/Field';

export function SmtpSection({ saved, onSaved }: { saved: SmtpSettings | null; onSaved: () => void }) {
  const [f, setF] = useState({ host: saved?.host ?? '', port: String(saved?.port ?? 587), secure: saved?.secure ?? false, user: saved?.user ?? '', from: saved?.from ?? '' });
  const [password, setPassword] = useState('');
  const [to, setTo] = useState('');
  const text = (key: 'host' | 'port' | 'user' | 'from') => ({ value: f[key], onChange: (e: { target: { value: string } }) => setF({ ...f, [key]: e.target.value }) });
  const save = async () => {
    // A blank password keeps the saved one (the API never returns it to prefill).
    const input: SmtpInput = { host: f.host, port: Number(f.port), secure: f.secure, user: f.user || null, from: f.from, ...(password ? { password } : {}) };
    await settingsApi.saveSmtp(input);
    setPassword('');
    onSaved();
    return 'Saved';
  };
  return (
    <>
      <div className="form">
        <Field label="SMTP host"><input {...text('host')} placeholder="smtp.example.com" /></Field>
        <Field label="SMTP port"><input type="number" min={1} max={65535} {...text('port')} /></Field>
        <label className="check"><input type="checkbox" checked={f.secure} onChange={(e) => setF({ ...f, secure: e.target.checked })} /> TLS from the start (port 465); otherwise STARTTLS</label>
        <Field label="SMTP user"><input autoComplete="off" {...text('user')} /></Field>
        <Field label="SMTP password" hint={saved?.password ? 'a password is saved; leave blank to keep it' : 'none saved'}>
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} placeholder={saved?.password ? '••••••••' : ''} />
        </Field>
        <Field label="From address"><input type="email" {...text('from')} placeholder="switchyard@example.com" /></Field>
        <div><ActionButton className="primary" label="Save SMTP" run={save} /></div>
      </div>
      <div className="toolbar settings-test-mail">
        <Field label="Send test e-mail to"><input type="email" value={to} onChange={(e) => setTo(e.target.value)} /></Field>
        <ActionButton label="Send test e-mail" disabled={!saved} run={async () => `Accepted by the SMTP server (message id ${(await settingsApi.testSmtp(to)).message_id})`} />
        {!saved && <span className="muted">save the SMTP settings first</span>}
      </div>
    </>
  );
}
