// A timestamp shown in local time, with the exact ISO value on hover.
export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span className="muted">—</span>;
  const d = new Date(at);
  const today = new Date().toDateString() === d.toDateString();
  return <time dateTime={at} title={at}>{today ? d.toLocaleTimeString() : d.toLocaleString()}</time>;
}
