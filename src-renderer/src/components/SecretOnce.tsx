// A secret the API shows in one answer only (API keys, signing secrets): copy it now.
import { CopyText } from './Copy';

export function SecretOnce({ label, secret, onDismiss }: { label: string; secret: string; onDismiss: () => void }) {
  return (
    <div className="secret-once" role="region" aria-label={label}>
      <p><strong>{label}</strong> — shown this once. Copy it now and keep it somewhere safe: every later answer masks it.</p>
      <CopyText text={secret} label="Copy" />
      <button type="button" className="small" onClick={onDismiss}>I have stored it</button>
    </div>
  );
}
