// A set of checkboxes for picking several values of a fixed list (event types, severities…).
export function CheckList<T extends string>({ legend, options, value, onChange }: {
  legend: string;
  options: readonly T[];
  value: readonly T[];
  onChange: (v: T[]) => void;
}) {
  const toggle = (o: T, on: boolean) => onChange(on ? options.filter((x) => x === o || value.includes(x)) : value.filter((x) => x !== o));
  return (
    <fieldset className="checklist">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o}>
          <input type="checkbox" checked={value.includes(o)} onChange={(e) => toggle(o, e.target.checked)} /> {o}
        </label>
      ))}
    </fieldset>
  );
}
