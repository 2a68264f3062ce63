import type { EligibilityRule, RuleSet, Treatment } from './schemas.ts';
import { ruleSetVersion } from './version.ts';

/** A validated rule set prepared for fast decisions; build once per version and reuse. */
export interface CompiledRuleSet {
  version: string;
  treatments: readonly Treatment[];
  /** Active rules per treatment id, in stored order. */
  activeRulesByTreatment: ReadonlyMap<string, readonly EligibilityRule[]>;
}

/** Expects a rule set that passed `validateRuleSet`. */
export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const activeRulesByTreatment = new Map<string, EligibilityRule[]>();
  for (const rule of ruleSet.rules) {
    if (!rule.active) continue;
    const list = activeRulesByTreatment.get(rule.treatmentId);
    if (list) list.push(rule);
    else activeRulesByTreatment.set(rule.treatmentId, [rule]);
  }
  return {
    version: ruleSetVersion(ruleSet),
    treatments: ruleSet.treatments,
    activeRulesByTreatment,
  };
}
