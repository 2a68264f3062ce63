import type { decisionSchema, NextBestAction } from '../contract/insights.ts';
import type { z } from 'zod';
import { evaluateEligibility, type ExclusionCode } from './eligibility.ts';
import { prepareFacts } from './evaluate-conditions.ts';
import type { CustomerFacts } from './facts.ts';
import {
  indexTallies,
  lookupPosterior,
  UNSEGMENTED,
  type OutcomeTally,
  type TallyIndex,
} from './propensity.ts';
import { reasonLine } from './reason.ts';
import { betaSamplerFor, type Rng } from './rng.ts';
import type { CompiledRuleSet } from './rule-set.ts';

interface ArbitrationPolicy {
  /** Share of decisions held out as the control group, 0..1. */
  controlShare: number;
  /** How many actions the panel shows, 1..3. */
  maxActions: number;
  /** Thompson sampling when true; posterior means (no exploration) when false. */
  explore: boolean;
  /** Offers of any treatment to one customer in 30 days before we stop suggesting; null = no limit. */
  maxOffersPer30Days: number | null;
}

const defaultArbitrationPolicy: ArbitrationPolicy = {
  controlShare: 0.05,
  maxActions: 3,
  explore: true,
  maxOffersPer30Days: null,
};

type NoActionCode =
  | 'control_group'
  | 'nothing_eligible'
  | 'all_in_cooldown'
  | 'contact_limit_reached'
  | 'cooldown_or_contact_limit';

/** Everything that went into one treatment's priority: stored with the decision row. */
export interface ArbitrationCandidate {
  rank: number;
  treatmentId: string;
  kind: NextBestAction['kind'];
  ruleId: string;
  contextWeight: number;
  businessValue: number;
  lever: number;
  alpha: number;
  beta: number;
  accepted: number;
  declined: number;
  /** Posterior mean, shown in the panel. */
  propensityMean: number;
  /** The Thompson draw (equal to the mean when not exploring) used in the priority. */
  propensityUsed: number;
  priority: number;
  /** Built for the top `maxActions` only (what the panel shows, or would have shown); null below. */
  reason: string | null;
}

interface ExcludedTreatment {
  treatmentId: string;
  code: ExclusionCode | 'zero_priority';
  detail: string;
}

export interface NbaDecision {
  ruleVersion: string;
  decidedAt: string;
  /** Segment whose outcomes fed the propensities. */
  segment: string;
  controlGroup: boolean;
  /** What the panel shows: up to `maxActions`; empty exactly when `noAction` is set. */
  actions: NextBestAction[];
  noAction: { code: NoActionCode; message: string } | null;
  /** All eligible treatments in rank order; for the control group, what was withheld. */
  ranked: ArbitrationCandidate[];
  excluded: ExcludedTreatment[];
  policy: ArbitrationPolicy;
}

export interface DecideInput {
  ruleSet: CompiledRuleSet;
  facts: CustomerFacts;
  /** Outcome counts per treatment and segment; pass a prebuilt index to save work per request. */
  tallies: readonly OutcomeTally[] | TallyIndex;
  now: Date;
  rng: Rng;
  policy?: Partial<ArbitrationPolicy>;
}

function resolvePolicy(overrides: Partial<ArbitrationPolicy> | undefined): ArbitrationPolicy {
  const policy = { ...defaultArbitrationPolicy, ...overrides };
  if (!(policy.controlShare >= 0 && policy.controlShare <= 1)) {
    throw new RangeError(`controlShare must be in 0..1, got ${policy.controlShare}`);
  }
  if (!Number.isInteger(policy.maxActions) || policy.maxActions < 1 || policy.maxActions > 3) {
    throw new RangeError(`maxActions must be 1, 2 or 3, got ${policy.maxActions}`);
  }
  return policy;
}

/** One uniform draw decides the control group, so the split is reproducible from the seed. */
export function drawControlGroup(rng: Rng, controlShare: number): boolean {
  return rng() < controlShare;
}

const noActionMessages: Record<NoActionCode, string> = {
  control_group:
    'Control group: no suggestion for this contact, so we can measure what suggestions add.',
  nothing_eligible: 'No action: no treatment fits this customer right now.',
  all_in_cooldown:
    'No action: every treatment that fits was offered to this customer recently (cooldown).',
  contact_limit_reached: 'No action: contact limit reached for this customer.',
  cooldown_or_contact_limit:
    'No action: the treatments that fit are in cooldown or at their contact limit.',
};

function noActionFor(excluded: readonly ExcludedTreatment[]): NoActionCode {
  const blocked = excluded.filter((e) => e.code === 'cooldown' || e.code === 'contact_limit');
  if (blocked.length === 0) return 'nothing_eligible';
  if (blocked.every((e) => e.code === 'cooldown')) return 'all_in_cooldown';
  if (blocked.every((e) => e.code === 'contact_limit')) return 'contact_limit_reached';
  return 'cooldown_or_contact_limit';
}

/**
 * The next-best-action decision for one contact: eligibility, contact policy, then
 * priority = propensity x context weight x business value x lever, top `maxActions`.
 * Always explicit: either actions, or `noAction` with its reason.
 */
export function decideNextBestActions(input: DecideInput): NbaDecision {
  const policy = resolvePolicy(input.policy);
  const controlGroup = drawControlGroup(input.rng, policy.controlShare);
  const prepared = prepareFacts(input.facts, input.now);
  const tallies =
    input.tallies instanceof Map
      ? input.tallies
      : indexTallies(input.tallies as readonly OutcomeTally[]);
  const segment = input.facts.segment;
  const sample = betaSamplerFor(input.rng);
  const excluded: ExcludedTreatment[] = [];
  const candidates: ArbitrationCandidate[] = [];
  const explain = new Map<string, () => string>();

  const totalOffers = Object.values(input.facts.treatmentHistory).reduce(
    (sum, h) => sum + h.offersLast30Days,
    0,
  );
  const customerAtLimit =
    policy.maxOffersPer30Days !== null && totalOffers >= policy.maxOffersPer30Days;

  for (const result of evaluateEligibility(input.ruleSet, prepared)) {
    const { treatment } = result;
    if (!result.eligible) {
      excluded.push({ treatmentId: treatment.id, code: result.code, detail: result.detail });
      continue;
    }
    if (customerAtLimit) {
      excluded.push({
        treatmentId: treatment.id,
        code: 'contact_limit',
        detail: `customer offered ${totalOffers} times in 30 days; limit is ${policy.maxOffersPer30Days}`,
      });
      continue;
    }
    const posterior = lookupPosterior(tallies, treatment, segment);
    const propensityUsed = policy.explore
      ? sample(posterior.alpha, posterior.beta)
      : posterior.mean;
    const priority =
      propensityUsed * result.contextWeight * treatment.businessValue * treatment.lever;
    if (!(priority > 0)) {
      excluded.push({
        treatmentId: treatment.id,
        code: 'zero_priority',
        detail: 'business value, lever or context weight is 0',
      });
      continue;
    }
    candidates.push({
      rank: 0,
      treatmentId: treatment.id,
      kind: treatment.kind,
      ruleId: result.rule.id,
      contextWeight: result.contextWeight,
      businessValue: treatment.businessValue,
      lever: treatment.lever,
      alpha: posterior.alpha,
      beta: posterior.beta,
      accepted: posterior.accepted,
      declined: posterior.declined,
      propensityMean: posterior.mean,
      propensityUsed,
      priority,
      reason: null,
    });
    explain.set(treatment.id, () => reasonLine(result.conditions, treatment.name, posterior));
  }

  candidates.sort((a, b) => b.priority - a.priority || (a.treatmentId < b.treatmentId ? -1 : 1));
  candidates.forEach((candidate, index) => {
    candidate.rank = index + 1;
    if (index < policy.maxActions) candidate.reason = explain.get(candidate.treatmentId)!();
  });

  let noActionCode: NoActionCode | null = null;
  if (controlGroup) noActionCode = 'control_group';
  else if (candidates.length === 0) noActionCode = noActionFor(excluded);

  const byId = new Map(input.ruleSet.treatments.map((t) => [t.id, t]));
  const actions: NextBestAction[] =
    noActionCode !== null
      ? []
      : candidates.slice(0, policy.maxActions).map((candidate) => {
          const treatment = byId.get(candidate.treatmentId)!;
          return {
            treatmentId: treatment.id,
            name: treatment.name,
            kind: treatment.kind,
            script: treatment.script,
            reason: candidate.reason!,
            propensity: candidate.propensityMean,
            priority: candidate.priority,
          };
        });

  return {
    ruleVersion: input.ruleSet.version,
    decidedAt: input.now.toISOString(),
    segment: segment ?? UNSEGMENTED,
    controlGroup,
    actions,
    noAction:
      noActionCode === null
        ? null
        : { code: noActionCode, message: noActionMessages[noActionCode] },
    ranked: candidates,
    excluded,
    policy,
  };
}

/** The `decision` block of the insights payload, once the server has stored the row under `id`. */
export function toDecisionPayload(
  decision: NbaDecision,
  id: string,
): z.infer<typeof decisionSchema> {
  return {
    id,
    controlGroup: decision.controlGroup,
    noActionReason: decision.noAction?.message ?? null,
  };
}
