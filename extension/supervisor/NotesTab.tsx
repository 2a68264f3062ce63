import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { z } from 'zod';
import { noteRowSchema } from '../../src/contract/supervisor.ts';
import type { SupervisorClient } from './api.ts';
import { DataTable } from './DataTable.tsx';
import { dateTime } from './format.ts';
import { useFilters } from './hooks.ts';

export function NotesTab({ client }: { client: SupervisorClient }) {
  const [text, setText] = useState('');
  const q = useDeferredValue(text.trim());
  const { from, to } = useFilters();
  const notes = useQuery({
    queryKey: ['notes', q, from, to],
    queryFn: () =>
      client.get(z.array(noteRowSchema), '/v1/supervisor/notes', { q, from, to, limit: 500 }),
  });
  return (
    <>
      <label className="search">
        Search notes, customer id or name{' '}
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      {notes.error && <p role="alert">{notes.error.message}</p>}
      <DataTable
        caption="Notes CSRs sent to the analytics team"
        csvName="csr-notes"
        rows={notes.data ?? []}
        rowKey={(n) => n.outcomeId}
        columns={[
          { key: 'at', label: 'Time', value: (n) => n.at, render: (n) => dateTime(n.at) },
          { key: 'note', label: 'Note', value: (n) => n.note },
          { key: 'customerId', label: 'Customer', value: (n) => n.customerId },
          { key: 'customerName', label: 'Name', value: (n) => n.customerName },
          { key: 'agent', label: 'Agent', value: (n) => n.agent },
          { key: 'result', label: 'Result', value: (n) => n.result },
          { key: 'treatmentKey', label: 'Treatment', value: (n) => n.treatmentKey },
          { key: 'decisionId', label: 'Decision', value: (n) => n.decisionId },
        ]}
      />
    </>
  );
}
