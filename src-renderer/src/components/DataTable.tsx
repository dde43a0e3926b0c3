// A table of rows with cursor paging ("Load more") and an empty state. Rows that open
// something are reachable by keyboard: Tab or ↑/↓ (Home/End) move between them, Enter opens.
import { memo, type KeyboardEvent, type ReactNode } from 'react';
import type { Paged } from '../hooks/useLoad';
import { Errors } from './Errors';
import './DataTable.css';

export interface Column<T> {
  label: string;
  cell: (row: T) => ReactNode;
}

function moveFocus(e: KeyboardEvent<HTMLTableRowElement>): boolean {
  const row = e.currentTarget;
  const body = row.parentElement!;
  const target = {
    ArrowDown: row.nextElementSibling,
    ArrowUp: row.previousElementSibling,
    Home: body.firstElementChild,
    End: body.lastElementChild,
  }[e.key];
  if (target === undefined) return false;
  (target as HTMLElement | null)?.focus();
  return true;
}

interface RowProps<T> {
  row: T;
  columns: Column<T>[];
  onOpen?: (row: T) => void;
}

// Memoized: a live list re-renders only the rows that are new, as long as the view keeps `columns` and `onOpen` stable.
const Row = memo(function Row<T>({ row, columns, onOpen }: RowProps<T>) {
  const keys = (e: KeyboardEvent<HTMLTableRowElement>) => {
    if (e.target !== e.currentTarget) return; // keys typed in a checkbox or link of the row are theirs
    if (e.key === 'Enter') onOpen!(row);
    else if (!moveFocus(e)) return;
    e.preventDefault();
  };
  return (
    <tr className={onOpen ? 'clickable' : undefined} tabIndex={onOpen ? 0 : undefined} onClick={onOpen ? () => onOpen(row) : undefined} onKeyDown={onOpen ? keys : undefined}>
      {columns.map((c) => <td key={c.label}>{c.cell(row)}</td>)}
    </tr>
  );
}) as <T>(props: RowProps<T>) => ReactNode;

export function DataTable<T>({ rows, columns, rowKey, onOpen, empty, paged, label }: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  onOpen?: (row: T) => void;
  /** Shown instead of the table when there are no rows. */
  empty: ReactNode;
  paged?: Pick<Paged<T>, 'hasMore' | 'more' | 'loading' | 'error'>;
  /** The table's accessible name. */
  label?: string;
}) {
  return (
    <>
      {paged && <Errors error={paged.error} />}
      {rows.length === 0 ? (
        paged?.loading ? <p className="muted">Loading…</p> : empty
      ) : (
        <table aria-label={label}>
          <thead><tr>{columns.map((c) => <th key={c.label}>{c.label}</th>)}</tr></thead>
          <tbody>
            {rows.map((r) => <Row key={rowKey(r)} row={r} columns={columns} onOpen={onOpen} />)}
          </tbody>
        </table>
      )}
      {paged?.hasMore && <button type="button" disabled={paged.loading} onClick={() => void paged.more()}>Load more</button>}
    </>
  );
}
