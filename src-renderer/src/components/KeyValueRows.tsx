// Editable key/value rows (webhook headers), up to a limit; each input labelled by its row.
export interface KeyValue {
  key: string;
  value: string;
}

export function KeyValueRows({ legend, rows, onChange, max, keyLabel = 'Name', valueLabel = 'Value' }: {
  legend: string;
  rows: KeyValue[];
  onChange: (rows: KeyValue[]) => void;
  max: number;
  keyLabel?: string;
  valueLabel?: string;
}) {
  const set = (i: number, patch: Partial<KeyValue>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="kv-rows">
      <legend>{legend} ({rows.length}/{max})</legend>
      {rows.map((r, i) => (
        <div key={i} className="kv-row">
          {/* textarea for the value: a pasted value with a line break must reach the API, which says why it is refused */}
          <input aria-label={`${legend} ${i + 1} ${keyLabel.toLowerCase()}`} placeholder={keyLabel} value={r.key} onChange={(e) => set(i, { key: e.target.value })} />
          <textarea rows={1} aria-label={`${legend} ${i + 1} ${valueLabel.toLowerCase()}`} placeholder={valueLabel} value={r.value} onChange={(e) => set(i, { value: e.target.value })} />
          <button type="button" className="small" aria-label={`Remove ${legend.toLowerCase()} ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>Remove</button>
        </div>
      ))}
      <button type="button" className="small" disabled={rows.length >= max} onClick={() => onChange([...rows, { key: '', value: '' }])}>Add {legend.toLowerCase().replace(/s$/, '')}</button>
    </fieldset>
  );
}
