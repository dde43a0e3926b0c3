// SMTP for e-mail destinations and failure notices; the password is write-only.
import { useState } from 'react';
import { settingsApi, type SmtpInput, type SmtpSettings } from '../../api/settings';
import { ActionButton } from '../../components/Action';
import { Field } from '../../components/Field';
import { Form } from '../../components/FormErrors';

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
      <Form className="form" aria-label="SMTP">
        <Field label="SMTP host" name="host"><input {...text('host')} placeholder="smtp.example.com" /></Field>
        <Field label="SMTP port" name="port"><input type="number" min={1} max={65535} {...text('port')} /></Field>
        <label className="check"><input type="checkbox" checked={f.secure} onChange={(e) => setF({ ...f, secure: e.target.checked })} /> TLS from the start (port 465); otherwise STARTTLS</label>
        <Field label="SMTP user" name="user"><input autoComplete="off" {...text('user')} /></Field>
        <Field label="SMTP password" name="password" hint={saved?.password ? 'a password is saved; leave blank to keep it' : 'none saved'}>
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} placeholder={saved?.password ? '••••••••' : ''} />
        </Field>
        <Field label="From address" name="from"><input type="email" {...text('from')} placeholder="switchyard@example.com" /></Field>
        <div><ActionButton className="primary" label="Save SMTP" run={save} /></div>
      </Form>
      <Form className="toolbar settings-test-mail" aria-label="Test e-mail">
        <Field label="Send test e-mail to" name="to"><input type="email" value={to} onChange={(e) => setTo(e.target.value)} /></Field>
        <ActionButton label="Send test e-mail" disabled={!saved} run={async () => `Accepted by the SMTP server (message id ${(await settingsApi.testSmtp(to)).message_id})`} />
        {!saved && <span className="muted">save the SMTP settings first</span>}
      </Form>
    </>
  );
}
