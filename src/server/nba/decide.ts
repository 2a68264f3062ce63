import { randomInt } from 'node:crypto';
import {
  decideNextBestActions,
  routeCustomer,
  seededRng,
  type ArbitrationCandidate,
  type CustomerFacts,
  type NbaDecision,
  type Rng,
  type RoutingDecision,
} from '../../nba/index.ts';
import type { Queryable } from '../db/db.ts';
import type { CustomerProfile } from '../insights/customer-profile.ts';
import type { DecisionMaker, DecisionPlan } from '../insights/decision-maker.ts';
import { EngineCache } from './engine-cache.ts';
import {
  decisionInputLookupColumnsSql,
  decisionInputsFromLookup,
  loadDecisionInputs,
  type DecisionInputs,
} from './facts.ts';

export interface NbaDecisionMakerOptions {
  /** Uniform source for the control-group split and Thompson draws; crypto-seeded by default. */
  rng?: Rng;
  /** Clock; tests pin it. */
  now?: () => Date;
  /** Called with the time the engine took (arbitration and routing, no I/O), for benchmarks. */
  onEngineTime?: (ms: number) => void;
}

/** A suggestion as stored on the decision row: the arbitration inputs, and whether it was shown. */
type StoredSuggestion = ArbitrationCandidate & { shown: boolean };

export interface EngineResult {
  inputs: DecisionInputs;
  decision: NbaDecision | null;
  routing: RoutingDecision;
}

/** Facts, rule set and routing for one customer: shared by insights and `GET /v1/routing`. */
export class NbaEngine {
  readonly cache = new EngineCache();
  readonly rng: Rng;
  readonly now: () => Date;

  constructor(private readonly options: NbaDecisionMakerOptions = {}) {
    this.rng = options.rng ?? seededRng(randomInt(1, 0xffffffff));
    this.now = options.now ?? (() => new Date());
  }

  async routeOnly(
    db: Queryable,
    profile: CustomerProfile,
    lookupRow?: Record<string, unknown>,
  ): Promise<RoutingDecision> {
    const now = this.now();
    const inputs =
      (lookupRow && decisionInputsFromLookup(lookupRow, profile, now)) ??
      (await loadDecisionInputs(db, profile, now));
    const routing = await this.cache.routingAt(db, inputs.routingRevision);
    return routeCustomer(routing, this.withRuleSpelling(inputs.facts), now);
  }

  /** Adds each attribute again under the rules' spelling of its name when only the case differs. */
  private withRuleSpelling(facts: CustomerFacts): CustomerFacts {
    const names = this.cache.ruleAttributeNames();
    let attributes: CustomerFacts['attributes'] | null = null;
    for (const [name, value] of Object.entries(facts.attributes)) {
      const spelling = names.get(name.toLowerCase());
      if (
        spelling === undefined ||
        spelling === name ||
        Object.hasOwn(facts.attributes, spelling)
      ) {
        continue;
      }
      attributes ??= { ...facts.attributes };
      attributes[spelling] = value;
    }
    return attributes === null ? facts : { ...facts, attributes };
  }

  /**
   * `lookupRow`: the insights lookup's row when it carried decisionInputLookupColumnsSql; the
   * inputs are then taken from it instead of read again.
   */
  async run(
    db: Queryable,
    profile: CustomerProfile,
    lookupRow?: Record<string, unknown>,
  ): Promise<EngineResult> {
    const now = this.now();
    const inputs =
      (lookupRow && decisionInputsFromLookup(lookupRow, profile, now)) ??
      (await loadDecisionInputs(db, profile, now));
    const [ruleSet, routingConfig] = await Promise.all([
      this.cache.ruleSetAt(db, inputs.catalogueRevision),
      this.cache.routingAt(db, inputs.routingRevision),
    ]);
    const facts = this.withRuleSpelling(inputs.facts);
    const started = performance.now();
    const decision =
      ruleSet.treatments.length === 0
        ? null
        : decideNextBestActions({
            ruleSet,
            facts,
            tallies: inputs.tallies,
            now,
            rng: this.rng,
            policy: { controlShare: inputs.controlShare },
          });
    const routing = routeCustomer(routingConfig, facts, now);
    this.options.onEngineTime?.(performance.now() - started);
    return { inputs: { ...inputs, facts }, decision, routing };
  }
}

function modelVersionsOf(
  profile: CustomerProfile,
  routing: RoutingDecision,
): Record<string, string> {
  const versions: Record<string, string> = { routing: routing.routingVersion };
  if (profile.churn?.modelVersion) versions.churn = profile.churn.modelVersion;
  return versions;
}

function planFrom(
  profile: CustomerProfile,
  facts: CustomerFacts,
  decision: NbaDecision | null,
  routing: RoutingDecision,
): DecisionPlan {
  if (decision === null) {
    return {
      ...noCatalogueDecisionPlan,
      routing: routing.hint,
      segment: facts.segment,
      modelVersions: modelVersionsOf(profile, routing),
    };
  }
  const suggestions: StoredSuggestion[] = decision.ranked
    .slice(0, decision.policy.maxActions)
    .map((candidate) => ({ ...candidate, shown: !decision.controlGroup }));
  return {
    nextBestActions: decision.actions,
    controlGroup: decision.controlGroup,
    noActionReason: decision.noAction?.message ?? null,
    noActionCode: decision.noAction?.code ?? null,
    routing: routing.hint,
    suggestions,
    ruleVersion: decision.ruleVersion,
    modelVersions: modelVersionsOf(profile, routing),
    segment: facts.segment,
  };
}

const noCatalogueDecisionPlan: DecisionPlan = {
  nextBestActions: [],
  controlGroup: false,
  noActionReason: 'No treatment catalogue is configured yet',
  noActionCode: 'no_catalogue',
  routing: { priority: 'normal', skill: 'general', reason: 'No routing rules are configured yet' },
  suggestions: [],
  ruleVersion: null,
  modelVersions: {},
};

/** The backend's decision step: the src/nba engine over the stored catalogue and outcomes. */
export function createNbaDecisionMaker(
  engineOrOptions: NbaEngine | NbaDecisionMakerOptions = {},
): DecisionMaker {
  const engine =
    engineOrOptions instanceof NbaEngine ? engineOrOptions : new NbaEngine(engineOrOptions);
  const decide: DecisionMaker = async (db, request) => {
    const { inputs, decision, routing } = await engine.run(db, request.profile, request.lookupRow);
    return planFrom(request.profile, inputs.facts, decision, routing);
  };
  return Object.assign(decide, { lookupColumnsSql: decisionInputLookupColumnsSql });
}
