// A labelled <select> of fixed values with an "all" choice (for list filters and forms).
import { Field } from './Field';

export function SelectField({ label, value, options, onChange, all }: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (v: string) => void;
  /** Text of the empty choice; omitted = a value is required. */
  all?: string;
}) {
  return (
    <Field label={label}>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {all !== undefined && <option value="">{all}</option>}
        {options.map((o) => <option key={o} value={o}>{o.replace(/_/g, ' ')}</option>)}
      </select>
    </Field>
  );
}
