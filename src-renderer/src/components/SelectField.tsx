// A labelled <select> of fixed values with an "all" choice (for list filters and forms).
import { Field } from './Field';

export function SelectField({ label, value, options, onChange, all, name }: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (v: string) => void;
  /** Text of the empty choice; omitted = a value is required. */
  all?: string;
  /** The API's field path, for its messages beside the field (inside a Form). */
  name?: string;
}) {
  return (
    <Field label={label} name={name}>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {all !== undefined && <option value="">{all}</option>}
        {options.map((o) => <option key={o} value={o}>{o.replace(/_/g, ' ')}</option>)}
      </select>
    </Field>
  );
}
