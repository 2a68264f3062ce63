import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { decisionDrillRowSchema, type DecisionDrillRow } from '../../src/contract/supervisor.ts';
import type { SupervisorClient } from './api.ts';
import { DataTable, type Column } from './DataTable.tsx';
import { dateTime } from './format.ts';
import { useFilters } from './hooks.ts';
import { useWorkspaceUi } from './ui-store.ts';

const columns: Column<DecisionDrillRow>[] = [
  {
    key: 'decidedAt',
    label: 'Time',
    value: (r) => r.decidedAt,
    render: (r) => dateTime(r.decidedAt),
  },
  { key: 'customerId', label: 'Customer', value: (r) => r.customerId },
  { key: 'customerName', label: 'Name', value: (r) => r.customerName },
  { key: 'segment', label: 'Segment', value: (r) => r.segment },
  { key: 'agent', label: 'Agent', value: (r) => r.agent },
  { key: 'treatmentKey', label: 'Treatment', value: (r) => r.treatmentKey },
  { key: 'control', label: 'Control group', value: (r) => (r.controlGroup ? 'yes' : 'no') },
  { key: 'result', label: 'Result', value: (r) => r.result ?? 'nothing recorded' },
  { key: 'reason', label: 'Reason', value: (r) => r.reason },
  { key: 'note', label: 'Note', value: (r) => r.note },
  { key: 'decisionId', label: 'Decision', value: (r) => r.decisionId },
];

/** The decisions and outcomes behind the cell the supervisor clicked. */
export function DrillPanel({ client }: { client: SupervisorClient }) {
  const drill = useWorkspaceUi((s) => s.drill);
  const setDrill = useWorkspaceUi((s) => s.setDrill);
  const filters = useFilters();
  const query = drill ? { ...filters, ...drill, title: undefined, limit: 500 } : null;
  const rows = useQuery({
    queryKey: ['drill', query],
    queryFn: () => client.get(z.array(decisionDrillRowSchema), '/v1/supervisor/decisions', query!),
    enabled: query !== null,
  });
  if (!drill) return null;
  return (
    <section className="drill" aria-labelledby="drill-heading">
      <header>
        <h2 id="drill-heading">Behind: {drill.title}</h2>
        <button type="button" onClick={() => setDrill(null)}>
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
