import { useLayoutEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { CustomerRef } from '../../src/contract/customer-ref.ts';
import {
  scoreModelNames,
  type Insights,
  type ScoreModelKind,
} from '../../src/contract/insights.ts';
import type { PanelApi } from './api.ts';
import { money, percent, tenure, when, words } from './format.ts';
import { OutcomeForm } from './OutcomeForm.tsx';
import { insightsShownMark } from '../shared/timing-marks.ts';

function identityLine(customerRef: CustomerRef | null, insights: Insights): string {
  if (customerRef?.recordId)
    return `${customerRef.crm} ${customerRef.objectType} ${customerRef.recordId}`;
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

/**
 * Marks the moment a customer's insights are in the DOM (a User Timing mark, read by
 * bench/extension-time-to-insight.bench.ts); the panel's behaviour does not depend on it.
 */
function markInsightsShown(customerId: string, decisionId: string): void {
  try {
    performance.mark(insightsShownMark, { detail: { customerId, decisionId } });
  } catch {
    // User Timing unavailable: nothing to mark
  }
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
  const outbox = useQuery({
    queryKey: ['outbox', decision.id],
    queryFn: () => api.getOutbox([decision.id]),
  });
  useLayoutEffect(() => markInsightsShown(customer.id, decision.id), [customer.id, decision.id]);
  return (
    <article aria-labelledby="customer-name" data-insights-shown={customer.id}>
      <h1 id="customer-name">{customer.name ?? customer.email ?? 'Unnamed customer'}</h1>
      <p className="calm" data-testid="identity">
        {identityLine(customerRef, insights)}
      </p>

      <section aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <dl>
          <dt>Segment</dt>
          <dd data-testid="segment">
            {segment
              ? `${segment.name} (R${segment.recency} F${segment.frequency} M${segment.monetary})`
              : 'Not scored yet'}
          </dd>
          <dt>Value</dt>
          <dd data-testid="value">
            {value
              ? `${money(value.clv, value.currency)} CLV, ${words(value.tier)} tier`
              : 'Not scored yet'}
            <ModelNote model={value?.model} testId="value-model" />
          </dd>
          <dt>Churn risk</dt>
          <dd data-testid="churn">
            {churn ? `${words(churn.band)} (${percent(churn.probability)})` : 'Not scored yet'}
            <ModelNote model={churn?.model} testId="churn-model" />
          </dd>
          <dt>Tenure</dt>
          <dd data-testid="tenure">
            {customer.tenureDays !== null ? tenure(customer.tenureDays, customer.since) : 'Unknown'}
          </dd>
          <dt>Routing</dt>
          <dd>
            {words(routing.priority)} priority, {routing.skill}
          </dd>
        </dl>
        {churn?.reasons.length ? (
          <>
            <h3 className="calm">Why the churn risk</h3>
            <ul data-testid="churn-reasons">
              {churn.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          </>
        ) : null}
        <p className="calm">
          {insights.scoredAt ? `Scores from ${when(insights.scoredAt)}` : 'Never scored'}
        </p>
      </section>

      <section aria-labelledby="actions-heading">
        <h2 id="actions-heading">Next best actions</h2>
        {decision.controlGroup ? (
          <p data-testid="control-group">
            No suggestion for this contact: it is in the control group that measures uplift.
          </p>
        ) : null}
        {decision.noActionReason ? <p data-testid="no-action">{decision.noActionReason}</p> : null}
        {!decision.controlGroup &&
          nextBestActions.map((action) => (
            <div className="action" key={action.treatmentId} data-testid="next-best-action">
              <h3>{action.name}</h3>
              <p>{action.reason}</p>
              <p className="calm">Say: {action.script}</p>
              <OutcomeForm
                api={api}
                decisionId={decision.id}
                treatmentId={action.treatmentId}
                treatmentName={action.name}
                recorded={(outbox.data ?? []).filter(
                  (e) => e.outcome.treatmentId === action.treatmentId,
                )}
              />
            </div>
          ))}
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
