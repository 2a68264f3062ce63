import {
  evaluateConditions,
  type ConditionResult,
  type PreparedFacts,
} from './evaluate-conditions.ts';
import { DAY_MS } from './facts.ts';
import type { CompiledRuleSet } from './rule-set.ts';
import type { EligibilityRule, Treatment } from './schemas.ts';

export type ExclusionCode = 'inactive' | 'no_matching_rule' | 'cooldown' | 'contact_limit';

export type TreatmentEligibility =
  | {
      treatment: Treatment;
      eligible: true;
      /** The matching rule with the highest context weight. */
      rule: EligibilityRule;
      contextWeight: number;
      conditions: ConditionResult[];
    }
  | { treatment: Treatment; eligible: false; code: ExclusionCode; detail: string };

function contactPolicyBlock(
  treatment: Treatment,
  prepared: PreparedFacts,
): { code: 'cooldown' | 'contact_limit'; detail: string } | null {
  const history = prepared.facts.treatmentHistory[treatment.id];
  if (!history) return null;
  if (treatment.cooldownDays > 0 && history.lastOfferedAt !== null) {
    const offeredMs = Date.parse(history.lastOfferedAt);
    const daysSince = (prepared.nowMs - offeredMs) / DAY_MS;
    if (daysSince < treatment.cooldownDays) {
      return {
        code: 'cooldown',
        detail: `offered ${Math.max(0, Math.floor(daysSince))} days ago; cooldown is ${treatment.cooldownDays} days`,
      };
    }
  }
  if (
    treatment.maxContactsPer30Days !== null &&
    history.offersLast30Days >= treatment.maxContactsPer30Days
  ) {
    return {
      code: 'contact_limit',
      detail: `offered ${history.offersLast30Days} times in 30 days; limit is ${treatment.maxContactsPer30Days}`,
    };
  }
  return null;
}

/** Rules first (any active rule matching makes it eligible), then cooldown and frequency limits. */
export function evaluateTreatment(
  treatment: Treatment,
  rules: readonly EligibilityRule[],
  prepared: PreparedFacts,
): TreatmentEligibility {
  if (!treatment.active)
    return { treatment, eligible: false, code: 'inactive', detail: 'treatment is switched off' };
  let best: { rule: EligibilityRule; weight: number; conditions: ConditionResult[] } | null = null;
  let firstMiss: string | null = null;
  for (const rule of rules) {
    const weight = rule.contextWeight ?? 1;
    if (best && weight <= best.weight) continue;
    const result = evaluateConditions(rule.conditions, prepared);
    if (result.matched) best = { rule, weight, conditions: result.results };
    else if (firstMiss === null)
      firstMiss = `${rule.name}: ${result.results.at(-1)?.phrase ?? 'no match'}`;
  }
  if (!best) {
    return {
      treatment,
      eligible: false,
      code: 'no_matching_rule',
      detail: rules.length === 0 ? 'no active rule' : (firstMiss ?? 'no rule matched'),
    };
  }
  const block = contactPolicyBlock(treatment, prepared);
  if (block) return { treatment, eligible: false, ...block };
  return {
    treatment,
    eligible: true,
    rule: best.rule,
    contextWeight: best.weight,
    conditions: best.conditions,
  };
}

export function evaluateEligibility(
  ruleSet: CompiledRuleSet,
  prepared: PreparedFacts,
): TreatmentEligibility[] {
  return ruleSet.treatments.map((treatment) =>
    evaluateTreatment(treatment, ruleSet.activeRulesByTreatment.get(treatment.id) ?? [], prepared),
  );
}
