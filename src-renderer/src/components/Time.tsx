// A timestamp shown in local time, with the exact ISO value on hover. The formatters are
// made once: toLocaleString() builds one per call, which a live list of hundreds of rows feels.
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: 'numeric', second: 'numeric' });
const dateAndTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });

export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span className="muted">—</span>;
  const d = new Date(at);
  const today = new Date().toDateString() === d.toDateString();
  return <time dateTime={at} title={at}>{(today ? timeOfDay : dateAndTime).format(d)}</time>;
}
