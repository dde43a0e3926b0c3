// A status or severity word, coloured by its value.
export function Badge({ value }: { value: string | null | undefined }) {
  const v = value ?? '—';
  return <span className={`badge badge-${v.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}>{v}</span>;
}
