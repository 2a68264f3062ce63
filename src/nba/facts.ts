import { z } from 'zod';
import { churnBands, segmentNames, valueTiers } from '../contract/insights.ts';

export const factContactSchema = z.object({
  /** Free-text reason code as the helpdesk records it; matched case-insensitively. */
  reason: z.string().nullable(),
  /** ISO 8601. */
  at: z.string(),
  csat: z.number().min(1).max(5).nullable(),
});

export const treatmentHistorySchema = z.object({
  /** ISO 8601 of the last time this treatment was offered to the customer. */
  lastOfferedAt: z.string().nullable(),
  offersLast30Days: z.int().min(0),
});

/** Everything rules may condition on, assembled by the server from scores, contacts and decisions. */
export const customerFactsSchema = z.object({
  customerId: z.string(),
  segment: z.enum(segmentNames).nullable(),
  valueTier: z.enum(valueTiers).nullable(),
  clv: z.number().nullable(),
  churnProbability: z.number().min(0).max(1).nullable(),
  churnBand: z.enum(churnBands).nullable(),
  tenureDays: z.number().min(0).nullable(),
  pAlive: z.number().min(0).max(1).nullable(),
  recentContacts: z.array(factContactSchema),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** Keyed by treatment id; a missing entry means never offered. */
  treatmentHistory: z.record(z.string(), treatmentHistorySchema),
});
export type CustomerFacts = z.infer<typeof customerFactsSchema>;
export type FactContact = z.infer<typeof factContactSchema>;
export type TreatmentHistory = z.infer<typeof treatmentHistorySchema>;
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
