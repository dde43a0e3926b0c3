// A table of rows with cursor paging ("Load more") and an empty state.
import type { ReactNode } from 'react';
import type { Paged } from '../hooks/useLoad';
import { Errors } from './Errors';

export interface Column<T> {
  label: string;
  /** Shown in the header instead of the label (e.g. a select-all checkbox). */
  header?: ReactNode;
  cell: (row: T) => ReactNode;
}

export function DataTable<T>({ rows, columns, rowKey, onOpen, empty, paged }: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  onOpen?: (row: T) => void;
  /** Shown instead of the table when there are no rows. */
  empty: ReactNode;
  paged?: Pick<Paged<T>, 'hasMore' | 'more' | 'loading' | 'error'>;
}) {
  return (
    <>
      {paged && <Errors error={paged.error} />}
      {rows.length === 0 ? (
        paged?.loading ? <p className="muted">Loading…</p> : empty
      ) : (
        <table>
          <thead><tr>{columns.map((c) => <th key={c.label}>{c.header ?? c.label}</th>)}</tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={rowKey(r)} className={onOpen ? 'clickable' : undefined} onClick={onOpen ? () => onOpen(r) : undefined}>
                {columns.map((c) => <td key={c.label}>{c.cell(r)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {paged?.hasMore && <button type="button" disabled={paged.loading} onClick={() => void paged.more()}>Load more</button>}
    </>
  );
}
