import type { churnBands, segmentNames, valueTiers } from '../contract/insights.ts';

type SegmentName = (typeof segmentNames)[number];
type ValueTier = (typeof valueTiers)[number];
type ChurnBand = (typeof churnBands)[number];

interface FactContact {
  /** Free-text reason code as the helpdesk records it; matched case-insensitively. */
  reason: string | null;
  /** ISO 8601. */
  at: string;
  /** 1 to 5. */
  csat: number | null;
}

export interface TreatmentHistory {
  /** ISO 8601 of the last time this treatment was offered to the customer. */
  lastOfferedAt: string | null;
  offersLast30Days: number;
}

/** Everything rules may condition on, assembled by the server from scores, contacts and decisions. */
export interface CustomerFacts {
  customerId: string;
  segment: SegmentName | null;
  valueTier: ValueTier | null;
  clv: number | null;
  /** 0 to 1. */
  churnProbability: number | null;
  churnBand: ChurnBand | null;
  tenureDays: number | null;
  /** 0 to 1. */
  pAlive: number | null;
  recentContacts: FactContact[];
  attributes: Record<string, string | number | boolean | null>;
  /** Keyed by treatment id; a missing entry means never offered. */
  treatmentHistory: Record<string, TreatmentHistory>;
}
export type AttributeValue = CustomerFacts['attributes'][string];

export const DAY_MS = 86_400_000;

/** Per-treatment history from past offers (any order), as of `now`. */
export function treatmentHistoryFromOffers(
  offers: readonly { treatmentId: string; offeredAt: string }[],
  now: Date,
): Record<string, TreatmentHistory> {
  const history: Record<string, TreatmentHistory> = {};
  const windowStart = now.getTime() - 30 * DAY_MS;
  for (const offer of offers) {
    const atMs = Date.parse(offer.offeredAt);
    if (Number.isNaN(atMs) || atMs > now.getTime()) continue;
    const entry = (history[offer.treatmentId] ??= { lastOfferedAt: null, offersLast30Days: 0 });
    if (entry.lastOfferedAt === null || atMs > Date.parse(entry.lastOfferedAt))
      entry.lastOfferedAt = offer.offeredAt;
    if (atMs >= windowStart) entry.offersLast30Days++;
  }
  return history;
}
