import { skipToken, useQuery } from '@tanstack/react-query';
import { useLayoutEffect } from 'react';
import type { InsightsQuery } from '../../src/contract/insights.ts';
import type { CurrentCall, InsightsResult, TabCustomer } from '../messaging/protocol.ts';
import type { PanelApi } from './api.ts';
import { CustomerInsights } from './CustomerInsights.tsx';
import { markCallShown } from '../shared/timing-marks.ts';

const phaseWords: Record<CurrentCall['phase'], string> = {
  ringing: 'Ringing',
  connected: 'On call',
  held: 'On hold',
  ended: 'Call ended',
};

/** The lookup a call's caller gets: by number, tied to the call so it stays one decision. */
function callQuery(call: CurrentCall): InsightsQuery | null {
  return call.remote && !call.withheld ? { phone: call.remote, call: call.key } : null;
}

/** Who is calling, from what the backend resolved or the insights already loaded. */
function callerName(call: CurrentCall, loaded: InsightsResult | undefined): string {
  if (loaded?.kind === 'insights')
    return loaded.insights.customer.name ?? loaded.insights.customer.id;
  const customer = call.customer;
  if (customer?.status === 'found') return customer.customer.name ?? customer.customer.customerId;
  if (call.withheld) return 'Withheld number';
  if (customer?.status === 'ambiguous' || loaded?.kind === 'ambiguous') {
    return `${call.remote ?? 'Caller'} (several customers share this number)`;
  }
  if (customer?.status === 'unknown' || loaded?.kind === 'unknown') {
    return `Unknown caller ${call.remote ?? ''}`.trim();
  }
  return call.remote ?? 'Unknown caller';
}

/**
 * A call outranks the tab: its caller and their insights, above a line naming the tab's customer.
 * The tab's customer is not looked up meanwhile, so a CRM record opened during the call reloads
 * nothing; once the call has ended, the CSR goes back to the tab (or a new record on the tab does).
 */
export function CallView({
  api,
  call,
  tabCustomer,
  onBackToTab,
}: {
  api: PanelApi;
  call: CurrentCall;
  tabCustomer: TabCustomer | null;
  onBackToTab(): void;
}) {
  const query = callQuery(call);
  // Reads what CustomerInsights below loads (same key), so the heading names the caller.
  const loaded = useQuery<InsightsResult>({ queryKey: ['insights', query], queryFn: skipToken });
  const shownCustomer = loaded.data?.kind === 'insights' ? loaded.data.insights.customer.id : null;
  useLayoutEffect(() => {
    if (shownCustomer) markCallShown(call.key, call.phase, shownCustomer);
  }, [call.key, call.phase, shownCustomer]);
  const tabRef = tabCustomer?.ref ?? null;
  const caller = loaded.data?.kind === 'insights' ? loaded.data.insights.customer : null;
  // The tab showing the caller's own record says nothing the banner does not.
  const tabShowsCaller =
    caller !== null &&
    tabRef !== null &&
    ((tabRef.email !== undefined && tabRef.email.toLowerCase() === caller.email?.toLowerCase()) ||
      (tabRef.displayName !== undefined && tabRef.displayName === caller.name));
  const tabName =
    tabRef && !tabShowsCaller
      ? (tabRef.displayName ?? tabRef.email ?? tabRef.phone ?? tabRef.id)
      : null;
  return (
    <>
      <section
        className={`call call-${call.phase}`}
        aria-labelledby="call-heading"
        data-testid="call"
        data-phase={call.phase}
      >
        <p role="status" className="call-banner">
          <strong id="call-heading">
            {phaseWords[call.phase]}: {callerName(call, loaded.data)}
          </strong>
          {call.remote && !call.withheld ? (
            <span className="call-number"> {call.remote}</span>
          ) : null}
        </p>
        {tabName ? (
          <p className="calm" data-testid="tab-under-call">
            On this tab: {tabName}
          </p>
        ) : null}
        {call.phase === 'ended' ? (
          <button type="button" className="secondary" onClick={onBackToTab}>
            Back to this tab’s customer
          </button>
        ) : null}
      </section>
      {query ? (
        <CustomerInsights
          api={api}
          customerRef={{ crm: call.platform, type: 'call', phone: call.remote ?? undefined }}
          recordQuery={query}
          callKey={call.key}
        />
      ) : (
        <p className="calm" data-testid="no-number">
          {call.withheld
            ? 'The caller’s number is withheld: ask who is calling, then open their record.'
            : 'The softphone shows no number for this call: open the caller’s record to see them.'}
        </p>
      )}
    </>
  );
}
