// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataTable, type Column } from './DataTable.tsx';

interface Row {
  name: string;
  rate: number | null;
}
const rows: Row[] = [
  { name: 'bob', rate: 0.5 },
  { name: '<b>ann</b>', rate: null },
  { name: 'cy', rate: 0.9 },
];

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

describe('DataTable', () => {
  let container: HTMLElement;
  afterEach(() => container?.remove());

  function render(onCellClick?: (row: Row) => void) {
    container = document.createElement('div');
    document.body.append(container);
    const columns: Column<Row>[] = [
      { key: 'name', label: 'Name', value: (r) => r.name, onCellClick },
      { key: 'rate', label: 'Rate', value: (r) => r.rate, numeric: true },
    ];
    act(() =>
      createRoot(container).render(
        <DataTable caption="t" columns={columns} rows={rows} rowKey={(r) => r.name} csvName="t" />,
      ),
    );
  }
  const names = () =>
    [...container.querySelectorAll('tbody tr')].map((tr) => tr.querySelector('td')!.textContent);
  const header = (label: string) =>
    [...container.querySelectorAll('th button')].find((b) =>
      b.textContent!.startsWith(label),
    ) as HTMLButtonElement;

  it('sorts by a column, ascending then descending, empty values last', () => {
    render();
    act(() => header('Rate').click());
    expect(names()).toEqual(['bob', 'cy', '<b>ann</b>']);
    act(() => header('Rate').click());
    expect(names()).toEqual(['cy', 'bob', '<b>ann</b>']);
    expect(container.querySelector('th[aria-sort="descending"]')).not.toBeNull();
  });

  it('shows backend text as text, never as HTML, and drills on click', () => {
    const onCellClick = vi.fn();
    render(onCellClick);
    expect(container.querySelector('tbody b')).toBeNull();
    const cell = [...container.querySelectorAll('button.cell-link')].find(
      (b) => b.textContent === '<b>ann</b>',
    );
    act(() => (cell as HTMLButtonElement).click());
    expect(onCellClick).toHaveBeenCalledWith(rows[1], cell);
  });

  it('exports what it shows as CSV, in the shown order', async () => {
    render();
    act(() => header('Name').click());
    let saved: Blob | undefined;
    const createObjectURL = vi.fn((blob: Blob) => {
      saved = blob;
      return 'blob:x';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    act(() => (container.querySelector('.table-tools button') as HTMLButtonElement).click());
    expect(click).toHaveBeenCalled();
    expect(await saved!.text()).toBe('Name,Rate\r\n<b>ann</b>,\r\nbob,0.5\r\ncy,0.9\r\n');
  });
});
