import { create } from 'zustand';
import type { InsightsQuery, NextBestAction } from '../../src/contract/insights.ts';
import type { CurrentCall } from '../messaging/protocol.ts';

/**
 * An action the CSR recorded an outcome for, from this panel. Only where to look: what was
 * recorded (and whether it was undone or delivered) is read from the worker's outbox, so a
 * refresh of the insights (a new decision) can neither lose nor duplicate it.
 */
export interface RecordedAction {
  decisionId: string;
  action: NextBestAction;
}

/** UI state only (what the CSR picked or did); data from the worker lives in react-query. */
interface PanelUiState {
  followedTabId: number | null;
  /** A candidate picked for an ambiguous record, by the record's query key. */
  pickedCandidate: Record<string, InsightsQuery>;
  /** Per customer id: the actions recorded from this panel, oldest first, one per decision and treatment. */
  recordedActions: Record<string, RecordedAction[]>;
  /** Outbox events (`<key>:sent`, `<key>:undone`) that already refreshed the insights once. */
  refreshedFor: Record<string, true>;
  /** The call that just ended, still shown (with its outcome form) until the CSR moves on. */
  endedCall: CurrentCall | null;
  setEndedCall(call: CurrentCall | null): void;
  setFollowedTab(tabId: number | null): void;
  pickCandidate(recordKey: string, query: InsightsQuery): void;
  clearPick(recordKey: string): void;
  rememberRecorded(customerId: string, recorded: RecordedAction): void;
  /** True the first time an event is claimed, false after: each one refreshes once. */
  claimRefresh(event: string): boolean;
}

export const usePanelUi = create<PanelUiState>((set, get) => ({
  followedTabId: null,
  pickedCandidate: {},
  recordedActions: {},
  refreshedFor: {},
  endedCall: null,
  setEndedCall: (endedCall) => set({ endedCall }),
  setFollowedTab: (followedTabId) => set({ followedTabId }),
  pickCandidate: (recordKey, query) =>
    set((state) => ({ pickedCandidate: { ...state.pickedCandidate, [recordKey]: query } })),
  clearPick: (recordKey) =>
    set((state) => {
      const { [recordKey]: _removed, ...rest } = state.pickedCandidate;
      return { pickedCandidate: rest };
    }),
  rememberRecorded: (customerId, recorded) =>
    set((state) => {
      const known = state.recordedActions[customerId] ?? [];
      const same = (r: RecordedAction) =>
        r.decisionId === recorded.decisionId &&
        r.action.treatmentId === recorded.action.treatmentId;
      if (known.some(same)) return state;
      return { recordedActions: { ...state.recordedActions, [customerId]: [...known, recorded] } };
    }),
  claimRefresh: (event) => {
    if (get().refreshedFor[event]) return false;
    set((state) => ({ refreshedFor: { ...state.refreshedFor, [event]: true } }));
    return true;
  },
}));

/** The store as a fresh panel starts it (tests reset to this). */
export const initialPanelUi = {
  followedTabId: null,
  pickedCandidate: {},
  recordedActions: {},
  refreshedFor: {},
  endedCall: null,
} satisfies Partial<PanelUiState>;
