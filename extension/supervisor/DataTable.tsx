import { useState } from 'react';
import { downloadCsv, toCsv, type CsvCell } from './csv.ts';

export interface Column<Row> {
  key: string;
  label: string;
  /** Plain value: sorting and CSV use it. */
  value(row: Row): CsvCell;
  /** What the cell shows; defaults to the value as text. Never HTML. */
  render?(row: Row): React.ReactNode;
  /** Drill into the data behind this cell; `target` is the button that was clicked. */
  onCellClick?(row: Row, target: HTMLElement): void;
  title?: string;
  /** Class of the column's cells. */
  className?: string;
  /** Only in the CSV export, not on screen. */
  csvOnly?: true;
  /** A short line under the header saying what the column means. */
  description?: string;
  numeric?: boolean;
}

const isEmpty = (v: CsvCell) => v === null || v === undefined || v === '';

/** Orders values in a direction; empty values go last either way. */
function compare(a: CsvCell, b: CsvCell, direction: 1 | -1): number {
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) === isEmpty(b) ? 0 : isEmpty(a) ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return (a - b) * direction;
  return String(a).localeCompare(String(b)) * direction;
}

/** A sortable table (click a header) with CSV export of what it shows, in its order. */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  csvName,
}: {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey(row: Row): string;
  csvName: string;
}) {
  const [sort, setSort] = useState<{ key: string; direction: 1 | -1 } | null>(null);
  const shown = columns.filter((c) => !c.csvOnly);
  const sortColumn = columns.find((c) => c.key === sort?.key);
  const sorted = sortColumn
    ? [...rows].sort((a, b) => compare(sortColumn.value(a), sortColumn.value(b), sort!.direction))
    : rows;
  const exportCsv = () =>
    downloadCsv(
      `${csvName}.csv`,
      toCsv(
        columns.map((c) => c.label),
        sorted.map((row) => columns.map((c) => c.value(row))),
      ),
    );
  return (
    <div className="table-wrap">
      <div className="table-tools">
        <button type="button" onClick={exportCsv}>
          Export CSV
        </button>
      </div>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {shown.map((column) => {
              const active = sort?.key === column.key;
              return (
                <th
                  key={column.key}
                  scope="col"
                  title={column.title}
                  aria-sort={active ? (sort!.direction === 1 ? 'ascending' : 'descending') : 'none'}
                >
                  <button
                    type="button"
                    className="sort"
                    onClick={() =>
                      setSort({
                        key: column.key,
                        direction: active && sort!.direction === 1 ? -1 : 1,
                      })
                    }
                  >
                    {column.label}
                    {active ? (sort!.direction === 1 ? ' ▲' : ' ▼') : ''}
                  </button>
                  {column.description && <small className="col-desc">{column.description}</small>}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.length === 0 ? (
            <tr>
              <td colSpan={shown.length}>Nothing in this period.</td>
            </tr>
          ) : (
            sorted.map((row) => (
              <tr key={rowKey(row)}>
                {shown.map((column) => {
                  const content = column.render
                    ? column.render(row)
                    : String(column.value(row) ?? '');
                  return (
                    <td
                      key={column.key}
                      className={
                        [column.numeric ? 'num' : '', column.className ?? ''].join(' ').trim() ||
                        undefined
                      }
                    >
                      {column.onCellClick ? (
                        <button
                          type="button"
                          className="cell-link"
                          onClick={(e) => column.onCellClick!(row, e.currentTarget)}
                        >
                          {content}
                        </button>
                      ) : (
                        content
                      )}
                    </td>
                  );
                })}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
