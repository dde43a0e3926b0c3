// A button for a long action: shows it is working (with progress when the action reports
// it), then its result, or the API's field messages when it fails. Inside a Form, messages
// about a field go beside that field; the rest stay here.
import { useState } from 'react';
import { Errors } from './Errors';
import { useFormFailure } from './FormErrors';

export type Report = (done: number, total: number) => void;

export function ActionButton({ label, run, className, disabled, 'aria-label': ariaLabel }: {
  label: string;
  /** The button's accessible name when the label alone is ambiguous (e.g. one per table row). */
  'aria-label'?: string;
  /** Returns the text to show when done (or nothing). */
  run: (report: Report) => Promise<string | void>;
  className?: string;
  disabled?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<[number, number] | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const form = useFormFailure();
  const go = async () => {
    setBusy(true);
    setResult(null);
    setError(null);
    form?.report(null);
    setProgress(null);
    try {
      setResult((await run((done, total) => setProgress([done, total]))) || 'Done');
    } catch (e) {
      setError(e);
      form?.report(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="action">
      <button type="button" className={className} aria-label={ariaLabel} disabled={busy || disabled} onClick={() => void go()}>{busy ? `${label}…` : label}</button>
      {busy && progress && <progress max={progress[1]} value={progress[0]} aria-label={`${label} progress`} />}
      {busy && progress && <span className="muted">{progress[0]} / {progress[1]}</span>}
      {!busy && result && <span className="result" role="status">{result}</span>}
      {form ? <FormFailure error={error} form={form} /> : <Errors error={error} />}
    </span>
  );
}

/** What a failed action inside a Form says itself: how many fields to fix, and what names no field. */
function FormFailure({ error, form }: { error: unknown; form: NonNullable<ReturnType<typeof useFormFailure>> }) {
  const fields = form.fieldCount(error);
  const rest = form.unclaimed(error);
  const messages = [...(fields ? [fields === 1 ? 'Check the field marked above.' : `Check the ${fields} fields marked above.`] : []), ...rest];
  return <Errors messages={messages} />;
}
