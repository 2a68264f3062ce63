import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import { z } from 'zod';
import { decisionDrillRowSchema, type DecisionDrillRow } from '../../src/contract/supervisor.ts';
import type { SupervisorClient } from './api.ts';
import { DataTable, type Column } from './DataTable.tsx';
import { dateTime } from './format.ts';
import { useFilters } from './hooks.ts';
import { useWorkspaceUi } from './ui-store.ts';

/** Eight columns on screen (customer with name, result with reason) so it fits the drawer; the
 * CSV has each field in its own column. */
const columns: Column<DecisionDrillRow>[] = [
  {
    key: 'decidedAt',
    label: 'Time',
    value: (r) => r.decidedAt,
    render: (r) => dateTime(r.decidedAt),
  },
  {
    key: 'customerId',
    label: 'Customer',
    value: (r) => r.customerId,
    render: (r) => (
      <>
        {r.customerId}
        {r.customerName && <small className="sub">{r.customerName}</small>}
      </>
    ),
  },
  { key: 'customerName', label: 'Name', value: (r) => r.customerName, csvOnly: true },
  { key: 'segment', label: 'Segment', value: (r) => r.segment },
  { key: 'agent', label: 'Agent', value: (r) => r.agent },
  { key: 'treatmentKey', label: 'Treatment', value: (r) => r.treatmentKey },
  { key: 'control', label: 'Control group', value: (r) => (r.controlGroup ? 'yes' : 'no') },
  {
    key: 'result',
    label: 'Result',
    value: (r) => r.result ?? 'nothing recorded',
    render: (r) => (
      <>
        {r.result ?? 'nothing recorded'}
        {r.reason && <small className="sub">{r.reason}</small>}
      </>
    ),
  },
  { key: 'reason', label: 'Reason', value: (r) => r.reason, csvOnly: true },
  { key: 'note', label: 'Note', value: (r) => r.note },
  { key: 'decisionId', label: 'Decision', value: (r) => r.decisionId, className: 'ids' },
];

/** The drawer's width when there is room for it beside the cell, and the least it takes. */
const drawerWidth = { preferred: 900, least: 360 };
const leastHeight = 320;
const gap = 12;

interface Placement {
  top: number;
  side: 'left' | 'right';
  width: number;
  maxHeight: number;
}

/**
 * Where the drawer goes: level with the clicked cell's row, on the side of the workspace away
 * from the cell so the cell stays in view. Offsets are relative to the drawer's positioned parent.
 */
function placeBeside(anchor: HTMLElement | null, parent: HTMLElement | null): Placement {
  if (!anchor || !parent)
    return { top: 0, side: 'right', width: drawerWidth.preferred, maxHeight: window.innerHeight };
  const row = anchor.closest('tr') ?? anchor;
  const box = parent.getBoundingClientRect();
  const rowBox = row.getBoundingClientRect();
  const cellBox = anchor.getBoundingClientRect();
  const side = cellBox.left + cellBox.width / 2 > box.left + box.width / 2 ? 'left' : 'right';
  // As wide as the room beside the cell allows, so the drawer never covers what was clicked.
  const room = side === 'right' ? box.right - cellBox.right - gap : cellBox.left - box.left - gap;
  return {
    top: Math.max(0, rowBox.top - box.top),
    side,
    width: Math.max(drawerWidth.least, Math.min(drawerWidth.preferred, room)),
    // Down to the window's bottom edge (scrolling inside), unless that leaves too little.
    maxHeight: Math.max(leastHeight, window.innerHeight - Math.max(0, rowBox.top) - gap),
  };
}

/**
 * The decisions and outcomes behind the cell the supervisor clicked, in a drawer beside that
 * cell's row: a non-modal dialog that takes focus when it opens and gives it back to the cell
 * when it closes (Escape or Close).
 */
export function DrillPanel({ client }: { client: SupervisorClient }) {
  const drill = useWorkspaceUi((s) => s.drill);
  const anchor = useWorkspaceUi((s) => s.drillAnchor);
  const setDrill = useWorkspaceUi((s) => s.setDrill);
  const filters = useFilters();
  const drawer = useRef<HTMLElement>(null);
  const query = drill ? { ...filters, ...drill, title: undefined, limit: 500 } : null;
  const rows = useQuery({
    queryKey: ['drill', query],
    queryFn: () => client.get(z.array(decisionDrillRowSchema), '/v1/supervisor/decisions', query!),
    enabled: query !== null,
  });

  const close = useCallback(() => {
    setDrill(null);
    if (anchor?.isConnected) anchor.focus();
  }, [anchor, setDrill]);

  // Placed before paint, so the drawer never shows up somewhere else first; then it takes focus
  // and scrolls only as far as needed to be whole on screen.
  useLayoutEffect(() => {
    const element = drawer.current;
    if (!drill || !element) return;
    const { top, side, width, maxHeight } = placeBeside(anchor, element.parentElement);
    element.style.top = `${top}px`;
    element.style.width = `${width}px`;
    element.style.maxHeight = `${maxHeight}px`;
    element.dataset.side = side;
    element.focus({ preventScroll: true });
    element.scrollIntoView?.({ block: 'nearest' });
  }, [drill, anchor]);

  useEffect(() => {
    if (!drill) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) close();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [drill, close]);

  if (!drill) return null;
  return (
    <section
      ref={drawer}
      className="drill"
      role="dialog"
      aria-modal="false"
      aria-labelledby="drill-heading"
      tabIndex={-1}
    >
      <header>
        <h2 id="drill-heading">Behind: {drill.title}</h2>
        <button type="button" onClick={close}>
          Close
        </button>
      </header>
      {rows.isPending && <p>Loading…</p>}
      {rows.error && <p role="alert">{rows.error.message}</p>}
      {rows.data && (
        <DataTable
          caption={`${rows.data.length} decisions${rows.data.length === 500 ? ' (first 500)' : ''}`}
          columns={columns}
          rows={rows.data}
          rowKey={(r) => `${r.decisionId}:${r.treatmentKey}`}
          csvName="decisions"
        />
      )}
    </section>
  );
}
