import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { CurrentCall } from '../messaging/protocol.ts';
import { queryForRef, type PanelApi } from './api.ts';
import { CallView } from './CallView.tsx';
import {
  BackendRefused,
  Calm,
  ConversationWithoutIdentifier,
  CustomerInsights,
  NotConfigured,
} from './CustomerInsights.tsx';
import { usePanelUi } from './ui-store.ts';
import { markCustomerPath } from '../shared/timing-marks.ts';

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
    () => api.onCallChanged((call) => queryClient.setQueryData(['current-call'], call)),
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

  const call = useQuery({
    queryKey: ['current-call'],
    queryFn: () => api.getCurrentCall(),
    staleTime: Infinity,
  });
  const endedCall = usePanelUi((state) => state.endedCall);
  const setEndedCall = usePanelUi((state) => state.setEndedCall);
  // A call that ends stays on screen (its outcome may still be recorded) until the CSR goes back
  // to the tab or the tab shows another customer.
  const lastCall = useRef<CurrentCall | null>(null);
  useEffect(() => {
    if (call.data) {
      lastCall.current = call.data;
      setEndedCall(null);
    } else if (lastCall.current) {
      setEndedCall({ ...lastCall.current, phase: 'ended' });
      lastCall.current = null;
    }
  }, [call.data, setEndedCall]);
  const tabRefKey = JSON.stringify(customer.data?.ref ?? null);
  const seenTabRef = useRef(tabRefKey);
  useEffect(() => {
    if (seenTabRef.current === tabRefKey) return;
    seenTabRef.current = tabRefKey;
    if (!lastCall.current) setEndedCall(null);
  }, [tabRefKey, setEndedCall]);
  const shownCall = call.data ?? endedCall;

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
  } else if (shownCall) {
    content = (
      <CallView
        key={shownCall.key}
        api={api}
        call={shownCall}
        tabCustomer={customer.data ?? null}
        onBackToTab={() => setEndedCall(null)}
      />
    );
  } else {
    const customerRef = customer.data?.ref ?? null;
    const recordQuery = customerRef ? queryForRef(customerRef) : null;
    if (customerRef && recordQuery) {
      content = (
        <CustomerInsights
          key={`${tabId}:${JSON.stringify(recordQuery)}`}
          api={api}
          customerRef={customerRef}
          recordQuery={recordQuery}
        />
      );
    } else if (customerRef?.context && customer.data?.signals?.api === 'pending') {
      // The console's API may yet name the conversation's customer: not "shows none" yet.
      content = (
        <p role="status" className="calm">
          Loading…
        </p>
      );
    } else if (customerRef?.context) {
      content = <ConversationWithoutIdentifier customerRef={customerRef} />;
    } else {
      content = (
        <Calm title="No customer on this page">
          <p className="calm">
            Open a customer record, ticket or case in your CRM to see insights here.
          </p>
        </Calm>
      );
    }
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
