import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  coachingNoteSchema,
  coachingReportSchema,
  type CoachingAgent,
} from '../../src/contract/supervisor.ts';
import type { SupervisorClient } from './api.ts';
import { DataTable } from './DataTable.tsx';
import { dateTime, percent } from './format.ts';
import { useFilters } from './hooks.ts';
import { useWorkspaceUi } from './ui-store.ts';

const metricLabels = {
  offerRate: 'Offer rate',
  acceptanceRate: 'Acceptance rate',
  saveRate: 'Save rate (retention, at risk)',
  fcr: 'First-contact resolution',
} as const;

function NoteForm({ client, agents }: { client: SupervisorClient; agents: CoachingAgent[] }) {
  const [agent, setAgent] = useState('');
  const [note, setNote] = useState('');
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: () =>
      client.request(coachingNoteSchema, 'POST', '/v1/supervisor/coaching-notes', {
        body: { agent, note },
      }),
    onSuccess: () => {
      setNote('');
      void queryClient.invalidateQueries({ queryKey: ['coaching'] });
    },
  });
  return (
    <form
      className="note-form"
      aria-label="Coaching note"
      onSubmit={(e) => {
        e.preventDefault();
        if (agent && note.trim()) save.mutate();
      }}
    >
      <h2>Leave a coaching note</h2>
      <label className="field">
        <span>Agent</span>
        <select value={agent} onChange={(e) => setAgent(e.target.value)} required>
          <option value="">Choose…</option>
          {agents.map((a) => (
            <option key={a.agent} value={a.agent}>
              {a.agent} ({a.team})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Note</span>
        <textarea
          value={note}
          maxLength={4000}
          rows={3}
          onChange={(e) => setNote(e.target.value)}
          required
        />
      </label>
      <div className="form-actions">
        <button type="submit" disabled={save.isPending}>
          Save note
        </button>
        {save.isSuccess && <span role="status">Saved.</span>}
        {save.error && <span role="alert">{save.error.message}</span>}
      </div>
    </form>
  );
}

export function CoachingTab({ client }: { client: SupervisorClient }) {
  const { from, to } = useFilters();
  const [minCount, setMinCount] = useState(20);
  const [margin, setMargin] = useState(0.1);
  const setDrill = useWorkspaceUi((s) => s.setDrill);
  const report = useQuery({
    queryKey: ['coaching', from, to, minCount, margin],
    queryFn: () =>
      client.get(coachingReportSchema, '/v1/supervisor/coaching', { from, to, minCount, margin }),
  });
  if (report.error) return <p role="alert">{report.error.message}</p>;
  if (!report.data) return <p>Loading…</p>;
  const cues = report.data.agents.flatMap((a) => a.cues);
  return (
    <>
      <form
        className="filters"
        aria-label="Coaching thresholds"
        onSubmit={(e) => e.preventDefault()}
      >
        <label title="No cue from fewer contacts, suggestions or offers than this">
          Minimum count
          <input
            type="number"
            min={1}
            value={minCount}
            onChange={(e) => setMinCount(Math.max(1, Number(e.target.value) || 1))}
          />
        </label>
        <label title="How far below the team, in percentage points">
          Margin (pts)
          <input
            type="number"
            min={0}
            max={100}
            value={Math.round(margin * 100)}
            onChange={(e) => setMargin(Math.min(1, Math.max(0, Number(e.target.value) / 100)))}
          />
        </label>
      </form>
      <DataTable
        caption="Where an agent falls short of their team"
        csvName="coaching-cues"
        rows={cues}
        rowKey={(c) => `${c.agent}:${c.segment ?? '*'}:${c.metric}`}
        columns={[
          {
            key: 'agent',
            label: 'Agent',
            value: (c) => c.agent,
            onCellClick: (c, target) =>
              setDrill(
                {
                  title: `${c.agent}${c.segment ? `, ${c.segment}` : ''}`,
                  agent: c.agent,
                  segment: c.segment ?? undefined,
                },
                target,
              ),
          },
          { key: 'team', label: 'Team', value: (c) => c.team },
          { key: 'segment', label: 'Segment', value: (c) => c.segment ?? 'all segments' },
          { key: 'metric', label: 'Metric', value: (c) => metricLabels[c.metric] },
          {
            key: 'agentRate',
            label: "Agent's rate",
            numeric: true,
            value: (c) => c.agentRate,
            render: (c) => percent(c.agentRate),
          },
          {
            key: 'teamRate',
            label: "Team's rate",
            numeric: true,
            value: (c) => c.teamRate,
            render: (c) => percent(c.teamRate),
          },
          {
            key: 'gap',
            label: 'Gap',
            title: "How far the agent's rate is below the team's, in percentage points",
            numeric: true,
            value: (c) => c.gap,
            render: (c) => percent(c.gap),
          },
          { key: 'count', label: 'Count behind it', numeric: true, value: (c) => c.count },
        ]}
      />
      <DataTable
        caption="Agents: most skipped treatments and latest notes"
        csvName="coaching-agents"
        rows={report.data.agents}
        rowKey={(a) => a.agent}
        columns={[
          { key: 'agent', label: 'Agent', value: (a) => a.agent },
          { key: 'team', label: 'Team', value: (a) => a.team },
          { key: 'cues', label: 'Cues', numeric: true, value: (a) => a.cues.length },
          {
            key: 'skipped',
            label: 'Most skipped (not offered / shown)',
            value: (a) =>
              a.mostSkipped
                .map((s) => `${s.treatmentKey} ${s.notOffered}/${s.suggested}`)
                .join('; '),
            render: (a) => (
              <span className="reasons">
                {a.mostSkipped.map((s) => (
                  <button
                    key={s.treatmentKey}
                    type="button"
                    className="cell-link"
                    onClick={(e) =>
                      setDrill(
                        {
                          title: `${a.agent} skipped ${s.treatmentKey}`,
                          agent: a.agent,
                          treatment: s.treatmentKey,
                          result: 'not_offered',
                        },
                        e.currentTarget,
                      )
                    }
                  >
                    {s.treatmentKey} {s.notOffered}/{s.suggested}
                  </button>
                ))}
              </span>
            ),
          },
          {
            key: 'notes',
            label: 'Coaching notes',
            value: (a) => a.notes.map((n) => `${n.at} ${n.author}: ${n.note}`).join(' | '),
            render: (a) => (
              <ul className="notes">
                {a.notes.map((n) => (
                  <li key={n.id}>
                    <small>
                      {dateTime(n.at)} · {n.author}
                    </small>{' '}
                    {n.note}
                  </li>
                ))}
              </ul>
            ),
          },
        ]}
      />
      <NoteForm client={client} agents={report.data.agents} />
    </>
  );
}
