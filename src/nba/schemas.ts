import { z } from 'zod';
import { routingHintSchema } from '../contract/insights.ts';
import { idSchema, type Treatment } from '../contract/treatment.ts';
import { conditionSchema } from './conditions-schema.ts';

export { treatmentSchema, type Treatment } from '../contract/treatment.ts';

export const eligibilityRuleSchema = z.strictObject({
  id: idSchema,
  treatmentId: idSchema,
  name: z.string().trim().min(1, 'name the rule').max(120),
  active: z.boolean(),
  /** All must match (AND). Several rules for one treatment are alternatives (OR). */
  conditions: z.array(conditionSchema).max(30),
  /** How well this situation suits the treatment; 1 is neutral. */
  contextWeight: z.number().min(0, 'context weight must be 0 or more').max(100).optional(),
});
export type EligibilityRule = z.infer<typeof eligibilityRuleSchema>;

const routingRuleSchema = z.strictObject({
  id: idSchema,
  name: z.string().trim().min(1, 'name the rule').max(120),
  active: z.boolean(),
  conditions: z
    .array(conditionSchema)
    .min(1, 'a routing rule needs at least one condition')
    .max(30),
  hint: routingHintSchema.strict(),
});

/** Ordered: the first active rule that matches wins; otherwise `fallback`. */
export const routingConfigSchema = z.strictObject({
  rules: z.array(routingRuleSchema).max(500),
  fallback: routingHintSchema.strict(),
});
export type RoutingConfig = z.infer<typeof routingConfigSchema>;

export interface RuleSet {
  treatments: Treatment[];
  rules: EligibilityRule[];
}
