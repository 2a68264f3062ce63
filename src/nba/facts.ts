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
