// A labelled form field; the label text is what tests and screen readers find it by. With a
// `name` (the API's field path) inside a Form, the API's message about it shows beside it.
import { cloneElement, isValidElement, type ReactElement, type ReactNode } from 'react';
import { useFieldError } from './FormErrors';

export function Field({ label, hint, name, children }: { label: string; hint?: ReactNode; name?: string; children: ReactNode }) {
  const { inputProps, note } = useFieldError(name);
  const input = note && isValidElement(children) ? cloneElement(children as ReactElement<Record<string, unknown>>, inputProps) : children;
  return (
    <label className="field">
      <span className="label">{label}</span>
      {input}
      {note}
      {hint && <span className="hint">{hint}</span>}
    </label>
  );
}
