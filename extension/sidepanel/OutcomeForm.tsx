import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { declineReasons, outcomeResults, type OutcomeRequest } from '../../src/contract/outcome.ts';
import type { OutboxEntryView } from '../messaging/protocol.ts';
import type { PanelApi } from './api.ts';
import { when, words } from './format.ts';

type Result = (typeof outcomeResults)[number];
type Reason = (typeof declineReasons)[number];

const resultLabels: Record<Result, string> = {
  offered: 'Offered',
  accepted: 'Accepted',
  declined: 'Declined',
  not_offered: 'Not offered',
};

function entryState(entry: OutboxEntryView): string {
  const what = resultLabels[entry.outcome.result];
  if (entry.status === 'sent') return `${what}: sent`;
  if (entry.status === 'failed')
    return `${what}: not accepted by the backend (${entry.lastError ?? 'error'})`;
  return entry.attempts === 0
    ? `${what}: sending…`
    : `${what}: pending${entry.lastError ? ` (${entry.lastError})` : ''}, will retry${entry.nextAttemptAt ? ` at ${when(entry.nextAttemptAt)}` : ''}`;
}

/** Records what happened with one suggestion; the worker's outbox delivers it. */
export function OutcomeForm(props: {
  api: PanelApi;
  decisionId: string;
  treatmentId: string;
  treatmentName: string;
  recorded: OutboxEntryView[];
}) {
  const { api, decisionId, treatmentId, treatmentName, recorded } = props;
  const id = useId();
  const queryClient = useQueryClient();
  const [result, setResult] = useState<Result | null>(null);
  const [reason, setReason] = useState<Reason | ''>('');
  const [note, setNote] = useState('');
  const record = useMutation({
    mutationFn: (outcome: OutcomeRequest) => api.recordOutcome(outcome),
    onSuccess: () => {
      setResult(null);
      setReason('');
      setNote('');
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['outbox'] }),
  });
  const needsReason = result === 'declined';
  const canSubmit = result !== null && (!needsReason || reason !== '') && !record.isPending;

  function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!canSubmit || result === null) return;
    const outcome: OutcomeRequest = {
      decisionId,
      treatmentId,
      result,
      occurredAt: new Date().toISOString(),
      ...(reason && (result === 'declined' || result === 'not_offered') ? { reason } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    record.mutate(outcome);
  }

  return (
    <form onSubmit={submit} aria-label={`Outcome for ${treatmentName}`}>
      <fieldset className="choices">
        <legend>Outcome</legend>
        {outcomeResults.map((value) => (
          <label key={value}>
            <input
              type="radio"
              name={`${id}-result`}
              value={value}
              checked={result === value}
              onChange={() => setResult(value)}
            />{' '}
            {resultLabels[value]}
          </label>
        ))}
      </fieldset>
      {result === 'declined' || result === 'not_offered' ? (
        <label className="field">
          Reason{result === 'declined' ? ' (required)' : ' (optional)'}{' '}
          <select
            value={reason}
            required={result === 'declined'}
            onChange={(event) => setReason(event.target.value as Reason | '')}
          >
            <option value="">Choose…</option>
            {declineReasons.map((value) => (
              <option key={value} value={value}>
                {words(value)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className="field">
        Note to the analytics team (optional)
        <textarea
          value={note}
          maxLength={2000}
          rows={2}
          onChange={(e) => setNote(e.target.value)}
        />
      </label>
      <button type="submit" disabled={!canSubmit}>
        Record outcome
      </button>
      {record.isError ? (
        <p className="problem" role="alert">
          Could not hand the outcome to LoopDesk: {record.error.message}
        </p>
      ) : null}
      {recorded.length ? (
        <ul
          className="outbox-state"
          aria-label={`Recorded outcomes for ${treatmentName}`}
          role="status"
        >
          {recorded.map((entry) => (
            <li key={entry.idempotencyKey} data-outbox-status={entry.status}>
              {entryState(entry)}
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}
