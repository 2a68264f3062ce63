import { describe, expect, it } from 'vitest';
import { routingHintSchema } from '../contract/insights.ts';
import { demoRoutingConfig } from './demo-catalogue.ts';
import { compileRoutingConfig, routeCustomer } from './routing.ts';
import type { RoutingConfig } from './schemas.ts';
import { NOW, daysAgo, makeFacts } from './test-helpers.ts';

const routing = compileRoutingConfig(demoRoutingConfig);
const contacts = (reasons: string[], ageDays = 2) =>
  reasons.map((reason) => ({ reason, at: daysAgo(ageDays), csat: null }));

describe('routing hints', () => {
  it('sends high value at high churn risk to the retention desk', () => {
    const decision = routeCustomer(
      routing,
      makeFacts({ valueTier: 'platinum', churnBand: 'high', churnProbability: 0.81 }),
      NOW,
    );
    expect(decision.hint).toEqual({
      priority: 'high',
      skill: 'retention-desk',
      reason: 'Retention desk: high value, churn risk 81%',
    });
    expect(decision.ruleId).toBe('high-value-high-risk');
    expect(decision.routingVersion).toBe(routing.version);
    expect(routingHintSchema.parse(decision.hint)).toEqual(decision.hint);
  });

  it('sends repeat callers (3+ contacts in 14 days) to a senior agent', () => {
    const decision = routeCustomer(
      routing,
      makeFacts({ recentContacts: contacts(['billing', 'billing', 'technical']) }),
      NOW,
    );
    expect(decision.hint).toEqual({
      priority: 'high',
      skill: 'senior-agent',
      reason: 'Repeat caller: 3 contacts in 14 days',
    });
    // Two contacts, or three spread over a month, are not repeat calling.
    expect(
      routeCustomer(routing, makeFacts({ recentContacts: contacts(['billing', 'billing']) }), NOW)
        .ruleId,
    ).toBeNull();
    expect(
      routeCustomer(
        routing,
        makeFacts({ recentContacts: contacts(['billing', 'billing', 'billing'], 20) }),
        NOW,
      ).ruleId,
    ).toBeNull();
  });

  it('first match wins: cancellation intent beats the retention desk rule', () => {
    const facts = makeFacts({
      valueTier: 'gold',
      churnBand: 'high',
      churnProbability: 0.7,
      recentContacts: contacts(['cancellation'], 1),
    });
    expect(routeCustomer(routing, facts, NOW).hint).toMatchObject({
      priority: 'urgent',
      skill: 'retention-desk',
    });
  });

  it('falls back to the default, and skips inactive rules', () => {
    const ordinary = makeFacts();
    expect(routeCustomer(routing, ordinary, NOW)).toMatchObject({
      hint: { priority: 'normal', skill: 'general', reason: 'No special handling needed' },
      ruleId: null,
    });
    const config: RoutingConfig = {
      ...demoRoutingConfig,
      rules: demoRoutingConfig.rules.map((rule) => ({
        ...rule,
        active: rule.id !== 'high-value-high-risk',
      })),
    };
    const atRisk = makeFacts({ valueTier: 'platinum', churnBand: 'high' });
    expect(routeCustomer(compileRoutingConfig(config), atRisk, NOW).ruleId).toBeNull();
  });
});
