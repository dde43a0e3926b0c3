// Keeps a loaded list current from the stream: changed records replace their row, new
// ones that pass `accept` go on top. Reset whenever `resetKey` (the filters) changes.
import { useEffect, useState } from 'react';
import { useStream } from './useStream';

export function useLiveRows<T extends { id: string }>(type: string, loaded: T[], accept: (row: T) => boolean, resetKey: string): T[] {
  const [changed, setChanged] = useState<Map<string, T>>(new Map());
  useEffect(() => setChanged(new Map()), [resetKey]);
  useStream(type, (row: T) => setChanged((prev) => new Map(prev).set(row.id, row)));
  const known = new Set(loaded.map((r) => r.id));
  // Newest change first, like the list itself.
  const fresh = [...changed.values()].reverse().filter((r) => !known.has(r.id) && accept(r));
  const current = loaded.flatMap((r) => {
    const c = changed.get(r.id);
    return !c ? [r] : accept(c) ? [c] : []; // a row that left the filter leaves the list
  });
  return [...fresh, ...current];
}
