import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import type { NextBestAction } from '../../src/contract/insights.ts';
import { declineReasons, outcomeResults, type OutcomeRequest } from '../../src/contract/outcome.ts';
import type { OutboxEntryView, OutboxStatus } from '../messaging/protocol.ts';
import type { PanelApi } from './api.ts';
import { clock, words } from './format.ts';
import { usePanelUi } from './ui-store.ts';

type Result = (typeof outcomeResults)[number];
type Reason = (typeof declineReasons)[number];

/** How long after recording the CSR can take an outcome back with one click. */
const undoWindowMs = 10_000;

const resultLabels: Record<Result, string> = {
  accepted: 'Accepted',
  declined: 'Declined',
  offered: 'Offered',
  not_offered: 'Not offered',
};
/** The order of the buttons: the outcomes of a live offer first. */
const buttonOrder: readonly Result[] = ['accepted', 'declined', 'offered', 'not_offered'];

function delivery(
  status: OutboxStatus,
  lastError: string | null,
  retry: { attempts: number; nextAttemptAt: string | null } | null,
): string {
  if (status === 'sent') return 'sent';
  if (status === 'failed') return `not accepted by the backend (${lastError ?? 'error'})`;
  if (!lastError && (retry === null || retry.attempts === 0)) return 'sending…';
  const at = retry?.nextAttemptAt ? ` at ${clock(retry.nextAttemptAt)}` : '';
  return `pending, will retry${at}${lastError ? ` (${lastError})` : ''}`;
}

function whatWasRecorded(entry: OutboxEntryView): string {
  const { result, reason } = entry.outcome;
  return `${resultLabels[result]}${reason ? ` (${words(reason)})` : ''}`;
}

/** The newest entry: what the action shows is the last thing recorded for it. */
function latestEntry(entries: OutboxEntryView[]): OutboxEntryView | undefined {
  return entries.reduce<OutboxEntryView | undefined>(
    (latest, entry) => (!latest || entry.createdAt > latest.createdAt ? entry : latest),
    undefined,
  );
}

/** Puts the worker's answer for one entry into every cached outbox list that covers it. */
function showEntryNow(queryClient: QueryClient, entry: OutboxEntryView): void {
  queryClient.setQueriesData<OutboxEntryView[]>(
    {
      queryKey: ['outbox'],
      predicate: (query) =>
        Array.isArray(query.queryKey[1]) && query.queryKey[1].includes(entry.outcome.decisionId),
    },
    (entries) =>
      entries && [...entries.filter((e) => e.idempotencyKey !== entry.idempotencyKey), entry],
  );
  void queryClient.invalidateQueries({ queryKey: ['outbox'] });
}

/** Whether `startIso` + `windowMs` is still ahead; re-renders when it passes. Key it per start. */
function useStillWithin(startIso: string, windowMs: number): boolean {
  const deadline = new Date(startIso).getTime() + windowMs;
  const [within, setWithin] = useState(() => deadline > Date.now());
  useEffect(() => {
    if (!within) return;
    const timer = setTimeout(() => setWithin(false), Math.max(0, deadline - Date.now()));
    return () => clearTimeout(timer);
  }, [deadline, within]);
  return within;
}

function RecordedStatus({
  entry,
  onUndo,
  undoing,
}: {
  entry: OutboxEntryView;
  onUndo: () => void;
  undoing: boolean;
}) {
  const undoOpen = useStillWithin(entry.createdAt, undoWindowMs);
  return (
    <div className="recorded">
      <p role="status" data-testid="outcome-status" data-outbox-status={entry.status}>
        Recorded: {whatWasRecorded(entry)} at {clock(entry.createdAt)} ·{' '}
        {delivery(entry.status, entry.lastError, entry)}
      </p>
      {undoOpen ? (
        <button type="button" className="secondary" onClick={onUndo} disabled={undoing}>
          Undo
        </button>
      ) : null}
    </div>
  );
}

/** The last entry when it no longer stands: undone, or refused by the backend (never stored). */
function EndedStatus({ entry }: { entry: OutboxEntryView }) {
  if (entry.retraction) {
    return (
      <p
        role="status"
        className="ended"
        data-testid="outcome-status"
        data-outbox-status={entry.retraction.status}
      >
        Undone: {whatWasRecorded(entry)} (recorded at {clock(entry.createdAt)}) · correction{' '}
        {delivery(entry.retraction.status, entry.retraction.lastError, null)}
      </p>
    );
  }
  return (
    <p
      role="status"
      className="ended refused"
      data-testid="outcome-status"
      data-outbox-status="failed"
    >
      Not stored: {whatWasRecorded(entry)} at {clock(entry.createdAt)} ·{' '}
      {delivery(entry.status, entry.lastError, entry)}
    </p>
  );
}

/**
 * The outcome of one suggestion: one button per result (a decline asks for its reason first),
 * then what was recorded, with Undo for a few seconds. While an outcome stands, the buttons are
 * not offered again; the worker's outbox delivers it, and an Undo is a correction sent after it.
 */
export function OutcomeForm(props: {
  api: PanelApi;
  customerId: string;
  decisionId: string;
  action: NextBestAction;
  /** Outbox entries for this action's treatment, from the decisions of this customer shown here. */
  entries: OutboxEntryView[];
  /** The outbox has not answered yet: whether something was recorded is not known. */
  loading: boolean;
}) {
  const { api, customerId, decisionId, action, entries, loading } = props;
  const id = useId();
  const queryClient = useQueryClient();
  const rememberRecorded = usePanelUi((state) => state.rememberRecorded);
  const [choosingReason, setChoosingReason] = useState(false);
  const [note, setNote] = useState('');
  const firstReason = useRef<HTMLButtonElement>(null);
  // Set on the click itself, before React re-renders: a second click finds it set.
  const recording = useRef(false);
  // The worker's last answer for this action, shown until the outbox list has caught up with it.
  const [lastAnswer, setLastAnswer] = useState<OutboxEntryView | null>(null);
  const record = useMutation({
    mutationFn: (outcome: OutcomeRequest) => api.recordOutcome(outcome),
    onSuccess: (entry) => {
      setLastAnswer(entry);
      rememberRecorded(customerId, { decisionId, action });
      showEntryNow(queryClient, entry);
      setChoosingReason(false);
      setNote('');
    },
    onSettled: () => {
      recording.current = false;
    },
  });
  const undo = useMutation({
    mutationFn: (idempotencyKey: string) => api.retractOutcome(idempotencyKey),
    onSuccess: (entry) => {
      setLastAnswer(entry);
      showEntryNow(queryClient, entry);
    },
  });
  useEffect(() => {
    if (choosingReason) firstReason.current?.focus();
  }, [choosingReason]);

  // The list may lag behind the worker's answer (not there yet, or not yet undone in it).
  const listed = lastAnswer && entries.find((e) => e.idempotencyKey === lastAnswer.idempotencyKey);
  const answerIsAhead =
    lastAnswer !== null &&
    lastAnswer.outcome.treatmentId === action.treatmentId &&
    (!listed || (lastAnswer.retraction !== null && listed.retraction === null));
  const latest = latestEntry(
    answerIsAhead
      ? [...entries.filter((e) => e.idempotencyKey !== lastAnswer.idempotencyKey), lastAnswer]
      : entries,
  );
  // Undone, or refused by the backend (so never stored): the buttons come back.
  const standing =
    latest && latest.retraction === null && latest.status !== 'failed' ? latest : undefined;

  function recordResult(result: Result, reason?: Reason) {
    if (recording.current) return;
    recording.current = true;
    record.mutate({
      decisionId,
      treatmentId: action.treatmentId,
      result,
      occurredAt: new Date().toISOString(),
      ...(reason ? { reason } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
  }

  const problems = (
    <>
      {record.isError ? (
        <p className="problem" role="alert">
          Could not hand the outcome to LoopDesk: {record.error.message}
        </p>
      ) : null}
      {undo.isError ? (
        <p className="problem" role="alert">
          Could not undo: {undo.error.message}
        </p>
      ) : null}
    </>
  );

  if (standing) {
    return (
      <div className="outcome">
        <RecordedStatus
          key={standing.idempotencyKey}
          entry={standing}
          undoing={undo.isPending}
          onUndo={() => undo.mutate(standing.idempotencyKey)}
        />
        {problems}
      </div>
    );
  }

  const busy = record.isPending || loading;
  return (
    <div className="outcome">
      {latest ? <EndedStatus entry={latest} /> : null}
      <div role="group" aria-label={`Outcome for ${action.name}`} className="outcome-buttons">
        {buttonOrder.map((result) => (
          <button
            key={result}
            type="button"
            className="secondary"
            aria-expanded={result === 'declined' ? choosingReason : undefined}
            aria-controls={result === 'declined' && choosingReason ? `${id}-reasons` : undefined}
            disabled={busy}
            onClick={() =>
              result === 'declined' ? setChoosingReason((open) => !open) : recordResult(result)
            }
          >
            {resultLabels[result]}
          </button>
        ))}
      </div>
      {choosingReason ? (
        <fieldset id={`${id}-reasons`} className="reasons">
          <legend>Why did they decline?</legend>
          {declineReasons.map((reason, index) => (
            <button
              key={reason}
              ref={index === 0 ? firstReason : undefined}
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => recordResult('declined', reason)}
            >
              {words(reason)}
            </button>
          ))}
          <button type="button" className="link" onClick={() => setChoosingReason(false)}>
            Cancel
          </button>
        </fieldset>
      ) : null}
      <details className="note">
        <summary>Note for the analytics team</summary>
        <label className="field">
          Note to the analytics team (optional, sent with the outcome)
          <textarea
            value={note}
            maxLength={2000}
            rows={2}
            onChange={(event) => setNote(event.target.value)}
          />
        </label>
      </details>
      {problems}
    </div>
  );
}
