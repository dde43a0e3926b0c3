// A set of checkboxes for picking several values of a fixed list (event types, severities…).
import { useFieldError } from './FormErrors';

export function CheckList<T extends string>({ legend, options, value, onChange, name }: {
  legend: string;
  options: readonly T[];
  value: readonly T[];
  onChange: (v: T[]) => void;
  /** The API's field path, for its messages beside the list (inside a Form). */
  name?: string;
}) {
  const { inputProps, note } = useFieldError(name);
  const toggle = (o: T, on: boolean) => onChange(on ? options.filter((x) => x === o || value.includes(x)) : value.filter((x) => x !== o));
  return (
    <fieldset className="checklist" {...inputProps}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o}>
          <input type="checkbox" checked={value.includes(o)} onChange={(e) => toggle(o, e.target.checked)} /> {o}
        </label>
      ))}
      {note}
    </fieldset>
  );
}
