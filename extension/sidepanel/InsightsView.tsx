import { useEffect, useLayoutEffect, useMemo } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CustomerRef } from '../../src/contract/customer-ref.ts';
import {
  scoreModelNames,
  type Insights,
  type NextBestAction,
  type ScoreModelKind,
} from '../../src/contract/insights.ts';
import type { PanelApi } from './api.ts';
import type { OutboxEntryView } from '../messaging/protocol.ts';
import { money, percent, tenure, when, words } from './format.ts';
import { OutcomeForm } from './OutcomeForm.tsx';
import { usePanelUi, type RecordedAction } from './ui-store.ts';
import { markInsightsShown } from '../shared/timing-marks.ts';

function identityLine(customerRef: CustomerRef | null, insights: Insights): string {
  if (customerRef?.id) return `${customerRef.crm} ${customerRef.type} ${customerRef.id}`;
  return insights.customer.email ?? insights.customer.phone ?? `customer ${insights.customer.id}`;
}

/** The name of the model behind a figure, from the panel's own list: never the backend's text. */
function modelName(model: { kind: string } | undefined): string | null {
  if (!model || !Object.hasOwn(scoreModelNames, model.kind)) return null;
  return scoreModelNames[model.kind as ScoreModelKind];
}

/** Small print beside a figure: which model made it. */
function ModelNote({ model, testId }: { model: { kind: string } | undefined; testId: string }) {
  const name = modelName(model);
  if (!name) return null;
  return (
    <small className="calm model-note" data-testid={testId}>
      {' '}
      by {name}
    </small>
  );
}

const noneRecorded: RecordedAction[] = [];

/**
 * Every outbox event that changes what the engine would suggest (an outcome delivered, its
 * correction delivered) refreshes the insights once: after an accepted offer, the next action.
 */
function useRefreshOnDelivery(entries: OutboxEntryView[]): void {
  const queryClient = useQueryClient();
  const claimRefresh = usePanelUi((state) => state.claimRefresh);
  useEffect(() => {
    let refresh = false;
    for (const entry of entries) {
      if (entry.status === 'sent' && claimRefresh(`${entry.idempotencyKey}:sent`)) refresh = true;
      if (entry.retraction?.status === 'sent' && claimRefresh(`${entry.idempotencyKey}:undone`))
        refresh = true;
    }
    if (refresh) void queryClient.invalidateQueries({ queryKey: ['insights'] });
  }, [entries, claimRefresh, queryClient]);
}

function ActionCard({
  api,
  customerId,
  decisionId,
  action,
  entries,
  loading,
  testId,
}: {
  api: PanelApi;
  customerId: string;
  decisionId: string;
  action: NextBestAction;
  entries: OutboxEntryView[];
  loading: boolean;
  testId: string;
}) {
  return (
    <div className="action" data-testid={testId}>
      <h3>{action.name}</h3>
      <p className="why">{action.reason}</p>
      <details className="script">
        <summary>What to say</summary>
        <p>Say: {action.script}</p>
      </details>
      <OutcomeForm
        api={api}
        customerId={customerId}
        decisionId={decisionId}
        action={action}
        entries={entries.filter((entry) => entry.outcome.treatmentId === action.treatmentId)}
        loading={loading}
      />
    </div>
  );
}

/** The customer's insights; every value is rendered as text, never as HTML. */
export function InsightsView({
  api,
  insights,
  customerRef,
}: {
  api: PanelApi;
  insights: Insights;
  customerRef: CustomerRef | null;
}) {
  const { customer, segment, value, churn, decision, nextBestActions, recentContacts, routing } =
    insights;
  // Outcomes recorded here under earlier decisions for this customer stay shown (with Undo)
  // after the refresh that follows them, which brings a new decision.
  const recorded = usePanelUi((state) => state.recordedActions[customer.id] ?? noneRecorded);
  const decisionIds = useMemo(
    () => [...new Set([decision.id, ...recorded.map((r) => r.decisionId)])].sort(),
    [decision.id, recorded],
  );
  const outbox = useQuery({
    queryKey: ['outbox', decisionIds],
    queryFn: () => api.getOutbox(decisionIds),
    placeholderData: keepPreviousData,
  });
  const entries = useMemo(
    () => (outbox.data ?? []).filter((entry) => decisionIds.includes(entry.outcome.decisionId)),
    [outbox.data, decisionIds],
  );
  useRefreshOnDelivery(entries);
  useLayoutEffect(() => markInsightsShown(customer.id, decision.id), [customer.id, decision.id]);

  const suggested = decision.controlGroup ? [] : nextBestActions;
  const suggestedIds = new Set(suggested.map((action) => action.treatmentId));
  // An action recorded earlier that the refreshed decision no longer suggests (e.g. in cooldown
  // after an accepted offer): shown first, as the last thing the CSR did.
  const earlier = new Map<string, RecordedAction>();
  for (const r of recorded)
    if (!suggestedIds.has(r.action.treatmentId)) earlier.set(r.action.treatmentId, r);

  return (
    <article aria-labelledby="customer-name" data-insights-shown={customer.id}>
      <h1 id="customer-name">{customer.name ?? customer.email ?? 'Unnamed customer'}</h1>
      <p className="calm identity" data-testid="identity">
        {identityLine(customerRef, insights)}
      </p>

      <section aria-labelledby="profile-heading" className="profile">
        <h2 id="profile-heading" className="visually-hidden">
          Profile
        </h2>
        <dl className="badges">
          <div className="badge">
            <dt>Segment</dt>
            <dd data-testid="segment">{segment ? segment.name : 'Not scored yet'}</dd>
          </div>
          <div className="badge" data-tier={value?.tier}>
            <dt>Value</dt>
            <dd data-testid="value">
              {value
                ? `${money(value.clv, value.currency)} CLV, ${words(value.tier)} tier`
                : 'Not scored yet'}
              <ModelNote model={value?.model} testId="value-model" />
            </dd>
          </div>
          <div className="badge" data-churn={churn?.band}>
            <dt>Churn risk</dt>
            <dd data-testid="churn">
              {churn ? `${words(churn.band)} (${percent(churn.probability)})` : 'Not scored yet'}
              <ModelNote model={churn?.model} testId="churn-model" />
            </dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="actions-heading">
        <h2 id="actions-heading">Next best actions</h2>
        {[...earlier.values()].map((r) => (
          <ActionCard
            key={`earlier:${r.action.treatmentId}`}
            api={api}
            customerId={customer.id}
            decisionId={r.decisionId}
            action={r.action}
            entries={entries}
            loading={outbox.isPending}
            testId="recorded-action"
          />
        ))}
        {decision.controlGroup ? (
          <p data-testid="control-group">
            No suggestion for this contact: it is in the control group that measures uplift.
          </p>
        ) : null}
        {decision.noActionReason ? <p data-testid="no-action">{decision.noActionReason}</p> : null}
        {suggested.map((action) => (
          <ActionCard
            key={action.treatmentId}
            api={api}
            customerId={customer.id}
            decisionId={decision.id}
            action={action}
            entries={entries}
            loading={outbox.isPending}
            testId="next-best-action"
          />
        ))}
      </section>

      <section aria-labelledby="details-heading">
        <h2 id="details-heading">About the customer</h2>
        <dl className="facts">
          <dt>Customer for</dt>
          <dd data-testid="tenure">
            {customer.tenureDays !== null ? tenure(customer.tenureDays, customer.since) : 'Unknown'}
          </dd>
          {segment ? (
            <>
              <dt>RFM scores</dt>
              <dd data-testid="rfm">
                R{segment.recency} F{segment.frequency} M{segment.monetary}
              </dd>
            </>
          ) : null}
          <dt>Routing</dt>
          <dd data-testid="routing">
            {words(routing.priority)} priority, {routing.skill}
          </dd>
        </dl>
        {churn?.reasons.length ? (
          <details className="churn-reasons">
            <summary>Why the churn risk</summary>
            <ul data-testid="churn-reasons">
              {churn.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          </details>
        ) : null}
        <p className="calm">
          {insights.scoredAt ? `Scores from ${when(insights.scoredAt)}` : 'Never scored'}
        </p>
      </section>

      <section aria-labelledby="contacts-heading">
        <h2 id="contacts-heading">Last contacts</h2>
        {recentContacts.length ? (
          <ul data-testid="recent-contacts">
            {recentContacts.slice(0, 5).map((contact) => (
              <li key={contact.id}>
                {when(contact.startedAt)}, {contact.channel}
                {contact.reason ? `: ${contact.reason}` : ''}
                {contact.csat !== null ? ` (CSAT ${contact.csat}/5)` : ''}
              </li>
            ))}
          </ul>
        ) : (
          <p className="calm">No contacts on record.</p>
        )}
      </section>
    </article>
  );
}
