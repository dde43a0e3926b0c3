// Patch records (StateRecord.appendTo): what a reader sees is the patch joined to the last
// full version of the record, whichever store keeps them.

/** A patch's data with its array at `path` (dot-separated) appended to the full version's. */
export function joinPatch(base: unknown, patch: unknown, path: string): unknown {
  const keys = path.split('.');
  const out = { ...(patch as Record<string, unknown>) };
  let into = out;
  let from = base as Record<string, unknown> | undefined;
  for (const k of keys.slice(0, -1)) {
    into = into[k] = { ...(into[k] as Record<string, unknown>) };
    from = from?.[k] as Record<string, unknown> | undefined;
  }
  const last = keys[keys.length - 1];
  into[last] = [...((from?.[last] as unknown[]) ?? []), ...((into[last] as unknown[]) ?? [])];
  return out;
}
