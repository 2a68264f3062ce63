import { z } from 'zod';
import { customerLookupFields } from './customer-ref.ts';

/** The fields of `GET /v1/insights`: whatever the page showed, all optional on their own. */
export const insightsQueryShape = {
  crm: customerLookupFields.crm.optional(),
  type: customerLookupFields.type.optional(),
  id: customerLookupFields.id.optional(),
  email: customerLookupFields.email.optional(),
  phone: customerLookupFields.phone.optional(),
  /** Ticket or case id, recorded with the decision as context. */
  context: customerLookupFields.context.optional(),
  /**
   * The call this lookup is for (`<platform>:<call id>`, contract/calls.ts `callKey`): the first
   * decision for a customer within a call is kept and given again, so one call is one decision.
   */
  call: z
    .string()
    .min(3)
    .max(250)
    .regex(/^[a-z0-9][a-z0-9-]*:\S+$/, 'a call key: <platform>:<call id>')
    .optional(),
  /**
   * The chat conversation this lookup is for (`<console>:<conversation id>`): like a call, the
   * first decision for a customer within a conversation is kept, so switching between the
   * conversations of a chat console gives each its own decision again.
   */
  conversation: z
    .string()
    .min(3)
    .max(250)
    .regex(/^[a-z0-9][a-z0-9-]*:\S+$/, 'a conversation key: <console>:<conversation id>')
    .optional(),
};

/** Enough to resolve one customer: a CRM record, an email or a phone. */
export const insightsQueryNamesCustomer = {
  check: (q: { crm?: string; id?: string; email?: string; phone?: string }) =>
    Boolean((q.crm && q.id) || q.email || q.phone),
  message: 'give crm and id, or email, or phone',
};

/** `GET /v1/insights` query: whatever the page showed, resolved to one customer. */
export const insightsQuerySchema = z
  .object(insightsQueryShape)
  .refine(insightsQueryNamesCustomer.check, { message: insightsQueryNamesCustomer.message })
  .refine((q) => !(q.call && q.conversation), {
    message: 'give call or conversation, not both',
    path: ['conversation'],
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

const identitySchema = z.object({
  kind: z.enum(['record', 'email', 'phone']),
  crm: z.string().optional(),
  objectType: z.string().optional(),
  value: z.string(),
});

const customerSummarySchema = z.object({
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

/** The buy-till-you-die models a scoring run values customers with (it picks one by holdout). */
export const purchaseModelKinds = ['bgnbd', 'mbgnbd', 'pareto-nbd'] as const;
export type PurchaseModelKind = (typeof purchaseModelKinds)[number];
export const purchaseModelNames: Record<PurchaseModelKind, string> = {
  bgnbd: 'BG/NBD',
  mbgnbd: 'MBG/NBD',
  'pareto-nbd': 'Pareto/NBD',
};

/** Which model made a figure, and its version in `GET /v1/models`. */
export const scoreModelKinds = [...purchaseModelKinds, 'churn'] as const;
export type ScoreModelKind = (typeof scoreModelKinds)[number];
export const scoreModelNames: Record<ScoreModelKind, string> = {
  ...purchaseModelNames,
  churn: 'trained churn model',
};

export const valueSchema = z.object({
  clv: z.number(),
  currency: z.string(),
  tier: z.enum(valueTiers),
  expectedPurchases: z.number().nullable(),
  pAlive: z.number().min(0).max(1).nullable(),
  horizonMonths: z.number(),
  /** The purchase model behind P(alive), expected purchases and CLV; absent from older servers. */
  model: z.object({ kind: z.enum(purchaseModelKinds), version: z.string().nullable() }).optional(),
});

export const churnSchema = z.object({
  probability: z.number().min(0).max(1),
  band: z.enum(churnBands),
  /**
   * 'model': the trained churn model; 'bgnbd': 1 - P(alive) of the run's purchase model (BG/NBD,
   * MBG/NBD or Pareto/NBD: `model` says which), for customers the trained model does not cover.
   */
  source: z.enum(['model', 'bgnbd']),
  modelVersion: z.string().nullable(),
  /** The model that made the figure; absent from older servers. */
  model: z.object({ kind: z.enum(scoreModelKinds), version: z.string().nullable() }).optional(),
  /**
   * Up to three reasons in words a CSR understands ("one purchase, 34 weeks ago",
   * "month-to-month contract"): what pushes the risk up or, for a risk below the average
   * customer's, what holds it down. Scores written by this version always give at least one.
   */
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

const recentContactSchema = z.object({
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
