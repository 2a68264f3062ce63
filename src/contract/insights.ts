import { z } from 'zod';

/** `GET /v1/insights` query: whatever the page showed, resolved to one customer. */
export const insightsQuerySchema = z
  .object({
    crm: z.string().min(1).max(40).optional(),
    type: z.string().min(1).max(60).optional(),
    id: z.string().min(1).max(200).optional(),
    email: z.string().min(3).max(254).optional(),
    phone: z.string().min(3).max(40).optional(),
    /** Ticket or case id, recorded with the decision as context. */
    context: z.string().min(1).max(200).optional(),
  })
  .refine((q) => Boolean((q.crm && q.id) || q.email || q.phone), {
    message: 'give crm and id, or email, or phone',
  });
export type InsightsQuery = z.infer<typeof insightsQuerySchema>;

export const segmentNames = [
  'Champions',
  'Loyal',
  'Potential loyalist',
  'New',
  'Promising',
  'Need attention',
  'About to sleep',
  'At risk',
  "Can't lose them",
  'Hibernating',
  'Lost',
] as const;

export const churnBands = ['low', 'medium', 'high'] as const;
export const valueTiers = ['bronze', 'silver', 'gold', 'platinum'] as const;
export const treatmentKinds = [
  'retention',
  'cross-sell',
  'up-sell',
  'service-recovery',
  'education',
] as const;

export const identitySchema = z.object({
  kind: z.enum(['record', 'email', 'phone']),
  crm: z.string().optional(),
  objectType: z.string().optional(),
  value: z.string(),
});

export const customerSummarySchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  /** First transaction or customer-since date, ISO 8601. */
  since: z.string().nullable(),
  tenureDays: z.number().int().nullable(),
  identities: z.array(identitySchema),
});

export const segmentSchema = z.object({
  name: z.enum(segmentNames),
  recency: z.number().int().min(1).max(5),
  frequency: z.number().int().min(1).max(5),
  monetary: z.number().int().min(1).max(5),
});

export const valueSchema = z.object({
  clv: z.number(),
  currency: z.string(),
  tier: z.enum(valueTiers),
  expectedPurchases: z.number().nullable(),
  pAlive: z.number().min(0).max(1).nullable(),
  horizonMonths: z.number(),
});

export const churnSchema = z.object({
  probability: z.number().min(0).max(1),
  band: z.enum(churnBands),
  /** 'model': the trained churn model; 'bgnbd': 1 - P(alive), for customers with no model. */
  source: z.enum(['model', 'bgnbd']),
  modelVersion: z.string().nullable(),
  /** Up to three features that push the risk up, in words a CSR understands. */
  reasons: z.array(z.string()).max(3),
});

export const nextBestActionSchema = z.object({
  treatmentId: z.string(),
  name: z.string(),
  kind: z.enum(treatmentKinds),
  /** What the CSR can say; plain text, never HTML. */
  script: z.string(),
  /** One line on why. */
  reason: z.string(),
  /** Posterior mean acceptance, 0..1. */
  propensity: z.number().min(0).max(1),
  priority: z.number(),
});

export const decisionSchema = z.object({
  id: z.string(),
  controlGroup: z.boolean(),
  /** Set when no treatment is suggested: control group, nothing eligible, and so on. */
  noActionReason: z.string().nullable(),
});

export const routingHintSchema = z.object({
  priority: z.enum(['normal', 'high', 'urgent']),
  skill: z.string(),
  reason: z.string(),
});

export const recentContactSchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  channel: z.string(),
  reason: z.string().nullable(),
  resolvedFirstContact: z.boolean().nullable(),
  csat: z.number().int().min(1).max(5).nullable(),
  agent: z.string().nullable(),
});

export const insightsSchema = z.object({
  customer: customerSummarySchema,
  segment: segmentSchema.nullable(),
  value: valueSchema.nullable(),
  churn: churnSchema.nullable(),
  nextBestActions: z.array(nextBestActionSchema).max(3),
  decision: decisionSchema,
  routing: routingHintSchema,
  recentContacts: z.array(recentContactSchema).max(10),
  /** When the scores were computed; null when never scored. */
  scoredAt: z.string().nullable(),
});
export type Insights = z.infer<typeof insightsSchema>;
export type NextBestAction = z.infer<typeof nextBestActionSchema>;

export const candidateSchema = z.object({
  customerId: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
});
export type Candidate = z.infer<typeof candidateSchema>;
