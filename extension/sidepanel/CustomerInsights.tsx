import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { CustomerRef } from '../../src/contract/customer-ref.ts';
import type { Candidate, InsightsQuery } from '../../src/contract/insights.ts';
import type { InsightsResult } from '../messaging/protocol.ts';
import type { PanelApi } from './api.ts';
import { when } from './format.ts';
import { InsightsView } from './InsightsView.tsx';
import { BackendRefusedError, BackendUnreachableError } from './query-client.ts';
import { usePanelUi } from './ui-store.ts';

function candidateQuery(candidate: Candidate): InsightsQuery | null {
  if (candidate.email) return { email: candidate.email };
  if (candidate.phone) return { phone: candidate.phone };
  return null;
}

export function Calm({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <section aria-labelledby="state-heading">
      <h1 id="state-heading">{title}</h1>
      {children}
    </section>
  );
}

/**
 * A chat conversation whose console shows no email, phone or customer id: said plainly, rather
 * than guessed from a name.
 */
export function ConversationWithoutIdentifier({ customerRef }: { customerRef: CustomerRef }) {
  return (
    <Calm title="This conversation shows no email or phone">
      <p className="calm" data-testid="no-identifier">
        {customerRef.displayName ? `${customerRef.displayName}: ` : ''}
        nothing in conversation {customerRef.context} names the customer, so LoopDesk cannot look
        them up. Ask for their email or phone, or open their record.
      </p>
    </Calm>
  );
}

export function CustomerInsights({
  api,
  customerRef,
  recordQuery,
  callKey,
}: {
  api: PanelApi;
  customerRef: CustomerRef;
  recordQuery: InsightsQuery;
  /** The call this lookup is for: a candidate picked keeps the call's one decision. */
  callKey?: string;
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
                      onClick={() =>
                        pickCandidate(recordKey, callKey ? { ...next, call: callKey } : next)
                      }
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

export function BackendRefused({ api, reason }: { api: PanelApi; reason: string }) {
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

export function NotConfigured({ api }: { api: PanelApi }) {
  return (
    <Calm title="LoopDesk is not set up yet">
      <p>Enter the backend address and your token in the settings.</p>
      <button type="button" onClick={() => api.openOptions()}>
        Open settings
      </button>
    </Calm>
  );
}
