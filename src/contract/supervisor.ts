import { z } from 'zod';
import { timestampOrDateSchema } from './timestamps.ts';

/** The supervisor workspace API: KPIs, treatment review, drill-down, notes, coaching. */

export const kpiNames = [
  'csat',
  'firstContactResolution',
  'repeatContactRate',
  'defectionSaves',
  'serviceToSales',
  'crossUpSellRatio',
  'offerRate',
  'uplift',
] as const;
export type KpiName = (typeof kpiNames)[number];

const kpiGroupings = ['agent', 'team', 'segment', 'week', 'channel'] as const;
export type KpiGrouping = (typeof kpiGroupings)[number];

const isoDate = timestampOrDateSchema;

/** A period is [from, to): `to` is exclusive. Dates without a time are midnight UTC. */
const periodQuerySchema = z.object({
  from: isoDate,
  to: isoDate,
});

export const kpiQuerySchema = periodQuerySchema.extend({
  groupBy: z.enum(kpiGroupings).optional(),
  team: z.string().max(200).optional(),
  segment: z.string().max(200).optional(),
});
export type KpiQuery = z.infer<typeof kpiQuerySchema>;

const interval = z.tuple([z.number(), z.number()]);

const kpiValueSchema = z.object({
  /** The KPI as a share 0..1 (uplift: a difference of shares, -1..1); null when nothing to measure. */
  value: z.number().nullable(),
  numerator: z.number(),
  /** How many contacts, offers or decisions stand behind the value. */
  denominator: z.number(),
  /** 95% interval: Wilson for shares, normal approximation for the uplift difference. */
  ci95: interval.nullable(),
});
export type KpiValue = z.infer<typeof kpiValueSchema>;

const kpiDefinitionSchema = z.object({ label: z.string(), definition: z.string() });

const kpiRowSchema = z.object({
  /** The agent, team, segment or ISO week start; null for the overall row or unknown. */
  group: z.string().nullable(),
  kpis: z.record(z.enum(kpiNames), kpiValueSchema),
});
export type KpiRow = z.infer<typeof kpiRowSchema>;

export const kpiReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(kpiGroupings).nullable(),
  definitions: z.record(z.enum(kpiNames), kpiDefinitionSchema),
  overall: kpiRowSchema,
  rows: z.array(kpiRowSchema),
});
export type KpiReport = z.infer<typeof kpiReportSchema>;

export const treatmentReviewQuerySchema = periodQuerySchema.extend({
  team: z.string().max(200).optional(),
  segment: z.string().max(200).optional(),
});
export type TreatmentReviewQuery = z.infer<typeof treatmentReviewQuerySchema>;

const treatmentReviewRowSchema = z.object({
  treatmentKey: z.string(),
  name: z.string().nullable(),
  kind: z.string().nullable(),
  active: z.boolean().nullable(),
  suggested: z.number().int(),
  offered: z.number().int(),
  accepted: z.number().int(),
  declined: z.number().int(),
  declinedByReason: z.record(z.string(), z.number().int()),
  offerRate: z.number().nullable(),
  acceptanceRate: z.number().nullable(),
  acceptanceCi95: interval.nullable(),
  /** Conversion (a purchase within 30 days) when suggested minus when withheld (control group). */
  uplift: z.number().nullable(),
  upliftCi95: interval.nullable(),
  treatedDecisions: z.number().int(),
  controlDecisions: z.number().int(),
  /** Accepted offers times the treatment's business value. */
  valueDelivered: z.number(),
});
export type TreatmentReviewRow = z.infer<typeof treatmentReviewRowSchema>;

export const treatmentReviewSchema = z.object({
  from: z.string(),
  to: z.string(),
  definitions: z.record(z.string(), z.string()),
  rows: z.array(treatmentReviewRowSchema),
});
export type TreatmentReview = z.infer<typeof treatmentReviewSchema>;

const drillResults = ['suggested', 'offered', 'accepted', 'declined', 'not_offered'] as const;

export const decisionDrillQuerySchema = periodQuerySchema.extend({
  treatment: z.string().max(100).optional(),
  /** suggested: every decision that suggested it; the others: that outcome was recorded. */
  result: z.enum(drillResults).optional(),
  agent: z.string().max(200).optional(),
  team: z.string().max(200).optional(),
  segment: z.string().max(200).optional(),
  reason: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type DecisionDrillQuery = z.infer<typeof decisionDrillQuerySchema>;

export const decisionDrillRowSchema = z.object({
  decisionId: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  segment: z.string().nullable(),
  agent: z.string(),
  decidedAt: z.string(),
  controlGroup: z.boolean(),
  treatmentKey: z.string().nullable(),
  result: z.string().nullable(),
  reason: z.string().nullable(),
  note: z.string().nullable(),
  outcomeAt: z.string().nullable(),
});
export type DecisionDrillRow = z.infer<typeof decisionDrillRowSchema>;

export const notesQuerySchema = z.object({
  q: z.string().max(200).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const noteRowSchema = z.object({
  outcomeId: z.string(),
  note: z.string(),
  agent: z.string(),
  at: z.string(),
  result: z.string(),
  treatmentKey: z.string().nullable(),
  decisionId: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
});
export type NoteRow = z.infer<typeof noteRowSchema>;

const coachingMetrics = ['offerRate', 'acceptanceRate', 'saveRate', 'fcr'] as const;
export type CoachingMetric = (typeof coachingMetrics)[number];

export const coachingQuerySchema = periodQuerySchema.extend({
  /** Minimum contacts (fcr) or suggestions/offers (the others) behind an agent's rate. */
  minCount: z.coerce.number().int().min(1).max(100_000).default(20),
  /** How far below the team (in rate points, 0..1) before it is a cue. */
  margin: z.coerce.number().min(0).max(1).default(0.1),
});

const coachingCueSchema = z.object({
  agent: z.string(),
  team: z.string(),
  segment: z.string().nullable(),
  metric: z.enum(coachingMetrics),
  agentRate: z.number(),
  teamRate: z.number(),
  gap: z.number(),
  /** How many contacts, suggestions or offers the agent's rate rests on. */
  count: z.number().int(),
});

const coachingAgentSchema = z.object({
  agent: z.string(),
  team: z.string(),
  cues: z.array(coachingCueSchema),
  mostSkipped: z.array(
    z.object({
      treatmentKey: z.string(),
      suggested: z.number().int(),
      notOffered: z.number().int(),
    }),
  ),
  notes: z.array(
    z.object({ id: z.string(), note: z.string(), author: z.string(), at: z.string() }),
  ),
});
export type CoachingAgent = z.infer<typeof coachingAgentSchema>;

export const coachingReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  minCount: z.number().int(),
  margin: z.number(),
  agents: z.array(coachingAgentSchema),
});
export type CoachingReport = z.infer<typeof coachingReportSchema>;

export const coachingNoteRequestSchema = z.strictObject({
  agent: z.string().trim().min(1).max(200),
  note: z.string().trim().min(1).max(4000),
});

export const coachingNoteSchema = z.object({
  id: z.string(),
  agent: z.string(),
  note: z.string(),
  author: z.string(),
  at: z.string(),
});

export const supervisorTeamsRequestSchema = z.strictObject({
  supervisor: z.string().trim().min(1).max(200),
  teams: z.array(z.string().trim().min(1).max(200)).max(100),
});

export const supervisorScopeSchema = z.object({
  agentName: z.string(),
  role: z.enum(['supervisor', 'admin']),
  /** null: every team (admins). */
  teams: z.array(z.string()).nullable(),
  allTeams: z.array(z.string()),
  segments: z.array(z.string()),
});
export type SupervisorScope = z.infer<typeof supervisorScopeSchema>;

export { catalogueTreatmentSchema, type CatalogueTreatment } from './treatment.ts';

export const catalogueRuleSchema = z.looseObject({
  id: z.string(),
  treatmentId: z.string(),
  name: z.string(),
  active: z.boolean(),
});
export type CatalogueRule = z.infer<typeof catalogueRuleSchema>;
