// Editable key/value rows (webhook headers), up to a limit; each input labelled by its row.
// With a `name` (the API's field path, e.g. `headers`) inside a Form, a message about a row's
// name or value shows beside that input, one about the list beside the list.
import { useFieldError } from './FormErrors';

export interface KeyValue {
  key: string;
  value: string;
}

export function KeyValueRows({ legend, rows, onChange, max, keyLabel = 'Name', valueLabel = 'Value', name }: {
  legend: string;
  rows: KeyValue[];
  onChange: (rows: KeyValue[]) => void;
  max: number;
  keyLabel?: string;
  valueLabel?: string;
  name?: string;
}) {
  const list = useFieldError(name);
  const set = (i: number, patch: Partial<KeyValue>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="kv-rows" {...list.inputProps}>
      <legend>{legend} ({rows.length}/{max})</legend>
      {rows.map((r, i) => (
        <div key={i} className="kv-row">
          <RowInput label={`${legend} ${i + 1} ${keyLabel.toLowerCase()}`} placeholder={keyLabel} value={r.key} name={name && `${name}[${i}].key`} onChange={(key) => set(i, { key })} />
          <RowInput label={`${legend} ${i + 1} ${valueLabel.toLowerCase()}`} placeholder={valueLabel} value={r.value} name={name && `${name}[${i}].value`} onChange={(value) => set(i, { value })} />
          <button type="button" className="small" aria-label={`Remove ${legend.toLowerCase()} ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>Remove</button>
        </div>
      ))}
      {list.note}
      <button type="button" className="small" disabled={rows.length >= max} onClick={() => onChange([...rows, { key: '', value: '' }])}>Add {legend.toLowerCase().replace(/s$/, '')}</button>
    </fieldset>
  );
}

/** One single-line input of a row (a header value is one line), with its message. */
function RowInput({ label, placeholder, value, name, onChange }: { label: string; placeholder: string; value: string; name?: string; onChange: (v: string) => void }) {
  const { inputProps, note } = useFieldError(name);
  return (
    <span className="kv-cell">
      <input aria-label={label} placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} {...inputProps} />
      {note}
    </span>
  );
}
