import { create } from 'zustand';
import type { InsightsQuery } from '../../src/contract/insights.ts';

/** UI state only (what the CSR picked or typed); data from the worker lives in react-query. */
interface PanelUiState {
  followedTabId: number | null;
  /** A candidate picked for an ambiguous record, by the record's query key. */
  pickedCandidate: Record<string, InsightsQuery>;
  setFollowedTab(tabId: number | null): void;
  pickCandidate(recordKey: string, query: InsightsQuery): void;
  clearPick(recordKey: string): void;
}

export const usePanelUi = create<PanelUiState>((set) => ({
  followedTabId: null,
  pickedCandidate: {},
  setFollowedTab: (followedTabId) => set({ followedTabId }),
  pickCandidate: (recordKey, query) =>
    set((state) => ({ pickedCandidate: { ...state.pickedCandidate, [recordKey]: query } })),
  clearPick: (recordKey) =>
    set((state) => {
      const { [recordKey]: _removed, ...rest } = state.pickedCandidate;
      return { pickedCandidate: rest };
    }),
}));
