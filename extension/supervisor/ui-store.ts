import { create } from 'zustand';

export type Tab = 'review' | 'kpis' | 'coaching' | 'notes' | 'detection';

/** A cell the supervisor drilled into: the filters of /v1/supervisor/decisions. */
export interface Drill {
  title: string;
  treatment?: string;
  result?: 'suggested' | 'offered' | 'accepted' | 'declined' | 'not_offered';
  reason?: string;
  agent?: string;
  team?: string;
  segment?: string;
  from?: string;
  to?: string;
}

const day = 86_400_000;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/** UI state only; data from the backend lives in react-query. */
interface WorkspaceUi {
  tab: Tab;
  from: string;
  to: string;
  team: string;
  segment: string;
  drill: Drill | null;
  /** What the supervisor clicked to open the drill: the drawer sits beside its row, and focus
   * goes back to it when the drawer closes. */
  drillAnchor: HTMLElement | null;
  setTab(tab: Tab): void;
  setPeriod(from: string, to: string): void;
  setTeam(team: string): void;
  setSegment(segment: string): void;
  setDrill(drill: Drill | null, anchor?: HTMLElement | null): void;
}

/** The period menu's choices, in days. */
export const periodPresets = [7, 30, 90, 365] as const;

export function lastDays(days: number, now = Date.now()): { from: string; to: string } {
  return { from: isoDay(now - days * day + day), to: isoDay(now + day) };
}

/** The preset the period is, if it is one (as of now); null for a range set by hand. */
export function presetOf(from: string, to: string, now = Date.now()): number | null {
  return (
    periodPresets.find((days) => {
      const period = lastDays(days, now);
      return period.from === from && period.to === to;
    }) ?? null
  );
}

export const useWorkspaceUi = create<WorkspaceUi>((set) => ({
  tab: 'review',
  ...lastDays(90),
  team: '',
  segment: '',
  drill: null,
  drillAnchor: null,
  setTab: (tab) => set({ tab, drill: null, drillAnchor: null }),
  setPeriod: (from, to) => set({ from, to }),
  setTeam: (team) => set({ team }),
  setSegment: (segment) => set({ segment }),
  setDrill: (drill, anchor = null) => set({ drill, drillAnchor: drill ? anchor : null }),
}));
