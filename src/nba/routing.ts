import type { z } from 'zod';
import type { routingHintSchema } from '../contract/insights.ts';
import { evaluateConditions, prepareFacts, type ConditionResult } from './evaluate-conditions.ts';
import type { CustomerFacts } from './facts.ts';
import type { RoutingConfig } from './schemas.ts';
import { routingConfigVersion } from './version.ts';

type RoutingHint = z.infer<typeof routingHintSchema>;

export interface RoutingDecision {
  /** Drops straight into the insights payload and `GET /v1/routing`. */
  hint: RoutingHint;
  /** The rule that matched; null when the fallback applied. */
  ruleId: string | null;
  routingVersion: string;
  matched: ConditionResult[];
}

export interface CompiledRoutingConfig {
  version: string;
  config: RoutingConfig;
}

/** Expects a config that passed `validateRoutingConfig`. */
export function compileRoutingConfig(config: RoutingConfig): CompiledRoutingConfig {
  return { version: routingConfigVersion(config), config };
}

/** First active rule whose conditions all match wins; otherwise the fallback. */
export function routeCustomer(
  routing: CompiledRoutingConfig,
  facts: CustomerFacts,
  now: Date,
): RoutingDecision {
  const prepared = prepareFacts(facts, now);
  for (const rule of routing.config.rules) {
    if (!rule.active) continue;
    const result = evaluateConditions(rule.conditions, prepared);
    if (!result.matched) continue;
    const phrases = result.results.flatMap((r) => (r.phrase === null ? [] : [r.phrase]));
    const reason =
      phrases.length === 0
        ? rule.hint.reason
        : `${rule.hint.reason}: ${[...new Set(phrases)].join(', ')}`;
    return {
      hint: { priority: rule.hint.priority, skill: rule.hint.skill, reason },
      ruleId: rule.id,
      routingVersion: routing.version,
      matched: result.results,
    };
  }
  return {
    hint: { ...routing.config.fallback },
    ruleId: null,
    routingVersion: routing.version,
    matched: [],
  };
}
