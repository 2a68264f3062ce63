import type { Insights, NextBestAction } from '../../contract/index.ts';
import type { Queryable } from '../db/db.ts';
import type { CustomerProfile } from './customer-profile.ts';

interface DecisionRequest {
  profile: CustomerProfile;
  agent: string;
  /** Ticket or case id the CSR is working on. */
  context: string | null;
  /** The customer lookup's row, with the columns the decision maker's `lookupColumnsSql` adds. */
  lookupRow?: Record<string, unknown>;
}

/** What the decision step chose; stored as the decision row and returned to the panel. */
export interface DecisionPlan {
  nextBestActions: NextBestAction[];
  controlGroup: boolean;
  noActionReason: string | null;
  routing: Insights['routing'];
  /** Arbitration inputs per suggested treatment, kept with the decision for later analysis. */
  suggestions: unknown[];
  ruleVersion: string | null;
  modelVersions: Record<string, string>;
  /** The customer's segment at decision time: outcomes of this decision teach this segment. */
  segment?: string | null;
  /** Machine-readable form of `noActionReason` (control_group, nothing_eligible, ...). */
  noActionCode?: string | null;
}

/** The seam where the next-best-action engine plugs in: a plain function of the database and the request. */
export type DecisionMaker = ((db: Queryable, request: DecisionRequest) => Promise<DecisionPlan>) & {
  /**
   * Select-list columns over the chosen customer row `c` (NULL when none was chosen) that the
   * decision step reads: the insights lookup fetches them in its own statement and hands its row
   * over as `lookupRow`, so a request sends one read statement. The names must not clash with
   * the profile's columns.
   */
  readonly lookupColumnsSql?: string;
};
