import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { CustomerRef } from '../../src/contract/customer-ref.ts';
import type { Candidate, InsightsQuery } from '../../src/contract/insights.ts';
import type { InsightsResult } from '../messaging/protocol.ts';
import { queryForRef, type PanelApi } from './api.ts';
import { when } from './format.ts';
import { InsightsView } from './InsightsView.tsx';
import { BackendRefusedError, BackendUnreachableError } from './query-client.ts';
import { usePanelUi } from './ui-store.ts';
import { markCustomerPath } from '../shared/timing-marks.ts';

function candidateQuery(candidate: Candidate): InsightsQuery | null {
  if (candidate.email) return { email: candidate.email };
  if (candidate.phone) return { phone: candidate.phone };
  return null;
}

function Calm({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <section aria-labelledby="state-heading">
      <h1 id="state-heading">{title}</h1>
      {children}
    </section>
  );
}

function CustomerInsights({
  api,
  customerRef,
  recordQuery,
}: {
  api: PanelApi;
  customerRef: CustomerRef;
  recordQuery: InsightsQuery;
}) {
  const recordKey = JSON.stringify(recordQuery);
  const picked = usePanelUi((state) => state.pickedCandidate[recordKey]);
  const pickCandidate = usePanelUi((state) => state.pickCandidate);
  const clearPick = usePanelUi((state) => state.clearPick);
  const query = picked ?? recordQuery;
  const queryClient = useQueryClient();
  const insights = useQuery({
    queryKey: ['insights', query],
    queryFn: async (): Promise<InsightsResult> => {
      const result = await api.getInsights(query);
      if (result.kind === 'unreachable') throw new BackendUnreachableError(result.message);
      if (result.kind === 'backend-refused') {
        // The status then shows it for the whole panel and looks again until it is fixed.
        void queryClient.invalidateQueries({ queryKey: ['status'] });
        throw new BackendRefusedError(result.reason);
      }
      return result;
    },
  });

  function retry() {
    void insights.refetch();
    void api.flushOutbox().catch(() => {});
  }

  const backToCandidates = picked ? (
    <button type="button" className="secondary" onClick={() => clearPick(recordKey)}>
      Back to the matching customers
    </button>
  ) : null;

  if (insights.isPending) {
    return (
      <p role="status" className="calm">
        Loading insights…
      </p>
    );
  }
  if (insights.error instanceof BackendRefusedError) {
    return <BackendRefused api={api} reason={insights.error.message} />;
  }
  if (insights.isError && !insights.data) {
    return (
      <Calm title="Backend unreachable">
        <p className="problem" role="alert">
          LoopDesk cannot reach the backend ({insights.error.message}). Outcomes you record are kept
          and sent when it is back.
        </p>
        <button type="button" onClick={retry}>
          Retry
        </button>
      </Calm>
    );
  }
  const data = insights.data;
  if (!data) return null;
  const staleBanner = insights.isError ? (
    <div className="stale" role="alert" data-testid="stale">
      <p>
        Backend unreachable: showing data from {when(insights.dataUpdatedAt)}, which may be out of
        date.
      </p>
      <button type="button" onClick={retry}>
        Retry
      </button>
    </div>
  ) : null;

  switch (data.kind) {
    case 'insights':
      return (
        <>
          {staleBanner}
          {backToCandidates}
          <InsightsView
            api={api}
            insights={data.insights}
            customerRef={picked ? null : customerRef}
          />
        </>
      );
    case 'unknown':
      return (
        <Calm title="Unknown customer">
          {staleBanner}
          <p data-testid="unknown">
            LoopDesk has no customer matching this record
            {customerRef.displayName ? ` (${customerRef.displayName})` : ''}.
          </p>
          <p className="calm">{data.detail}</p>
        </Calm>
      );
    case 'ambiguous':
      return (
        <Calm title="Several customers match">
          {staleBanner}
          <p>{data.detail} Pick the one you are talking to:</p>
          <ul data-testid="candidates">
            {data.candidates.map((candidate) => {
              const next = candidateQuery(candidate);
              const label = [candidate.name ?? 'Unnamed', candidate.email, candidate.phone]
                .filter(Boolean)
                .join(', ');
              return (
                <li key={candidate.customerId}>
                  {next ? (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => pickCandidate(recordKey, next)}
                    >
                      {label}
                    </button>
                  ) : (
                    <span>{label} (no email or phone to look up)</span>
                  )}
                </li>
              );
            })}
          </ul>
        </Calm>
      );
    case 'not-configured':
      return <NotConfigured api={api} />;
    case 'backend-refused':
      return <BackendRefused api={api} reason={data.reason} />;
    case 'error':
      if (data.status === 401) return <TokenRefused api={api} detail={data.problem?.detail} />;
      return (
        <Calm title="Could not load insights">
          <p className="problem" role="alert">
            The backend answered {data.status}
            {data.problem ? `: ${data.problem.detail ?? data.problem.title}` : ''}.
          </p>
          <button type="button" onClick={retry}>
            Retry
          </button>
        </Calm>
      );
  }
}

function TokenRefused({ api, detail }: { api: PanelApi; detail: string | undefined }) {
  return (
    <Calm title="Your token was refused">
      <p className="problem" role="alert">
        The backend did not accept your token{detail ? ` (${detail})` : ''}. Ask your LoopDesk admin
        for a new one and enter it in the settings; outcomes you record meanwhile wait and are sent
        then.
      </p>
      <button type="button" onClick={() => api.openOptions()}>
        Open settings
      </button>
    </Calm>
  );
}

function BackendRefused({ api, reason }: { api: PanelApi; reason: string }) {
  return (
    <Calm title="LoopDesk will not contact this backend">
      <p className="problem" role="alert">
        {reason} Outcomes you record meanwhile wait and are sent once the backend is allowed again.
      </p>
      <button type="button" onClick={() => api.openOptions()}>
        Open settings
      </button>
    </Calm>
  );
}

function NotConfigured({ api }: { api: PanelApi }) {
  return (
    <Calm title="LoopDesk is not set up yet">
      <p>Enter the backend address and your token in the settings.</p>
      <button type="button" onClick={() => api.openOptions()}>
        Open settings
      </button>
    </Calm>
  );
}

/** The side panel: always the customer of the tab it follows. */
export function Panel({ api }: { api: PanelApi }) {
  const queryClient = useQueryClient();
  const tabId = usePanelUi((state) => state.followedTabId);
  const setFollowedTab = usePanelUi((state) => state.setFollowedTab);

  useEffect(() => api.followedTab(setFollowedTab), [api, setFollowedTab]);
  useEffect(
    () =>
      api.onTabCustomerChanged((changedTab, customer) => {
        if (customer) markCustomerPath('panelReceived', customer.url);
        queryClient.setQueryData(['tab-customer', changedTab], customer);
      }),
    [api, queryClient],
  );
  useEffect(
    () => api.onOutboxChanged(() => void queryClient.invalidateQueries({ queryKey: ['outbox'] })),
    [api, queryClient],
  );

  const status = useQuery({
    queryKey: ['status'],
    queryFn: () => api.getStatus(),
    // Until configured (and allowed), look again now and then: the options page may be saving.
    refetchInterval: (query) =>
      query.state.data?.configured && !query.state.data.backendRefused ? false : 2_000,
  });
  const connected = Boolean(status.data?.configured && !status.data.backendRefused);
  // The workspace is offered to the roles it serves: a CSR would only meet refusals there.
  const backend = useQuery({
    queryKey: ['backend-check', status.data?.backendUrl],
    queryFn: () => api.checkBackend(),
    enabled: connected,
    staleTime: 5 * 60_000,
  });
  const role = backend.data?.kind === 'connected' ? backend.data.role : null;
  const customer = useQuery({
    queryKey: ['tab-customer', tabId],
    queryFn: () => api.getTabCustomer(tabId as number),
    enabled: tabId !== null,
    staleTime: Infinity,
  });

  let content: React.ReactNode;
  if (status.isPending || (tabId !== null && customer.isPending)) {
    content = (
      <p role="status" className="calm">
        Loading…
      </p>
    );
  } else if (status.data?.backendRefused) {
    content = <BackendRefused api={api} reason={status.data.backendRefused} />;
  } else if (!status.data?.configured) {
    content = <NotConfigured api={api} />;
  } else {
    const customerRef = customer.data?.ref ?? null;
    const recordQuery = customerRef ? queryForRef(customerRef) : null;
    content =
      customerRef && recordQuery ? (
        <CustomerInsights
          key={`${tabId}:${JSON.stringify(recordQuery)}`}
          api={api}
          customerRef={customerRef}
          recordQuery={recordQuery}
        />
      ) : (
        <Calm title="No customer on this page">
          <p className="calm">
            Open a customer record, ticket or case in your CRM to see insights here.
          </p>
        </Calm>
      );
  }
  return (
    <>
      <main data-tab-id={tabId ?? ''}>{content}</main>
      {role === 'supervisor' || role === 'admin' ? (
        <footer className="panel-footer">
          <button type="button" className="link" onClick={() => api.openSupervisorWorkspace()}>
            Supervisor workspace
          </button>
        </footer>
      ) : null}
    </>
  );
}
