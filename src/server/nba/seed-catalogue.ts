import {
  demoRoutingConfig,
  demoRuleSet,
  type RoutingConfig,
  type RuleSet,
} from '../../nba/index.ts';
import type { Db } from '../db/db.ts';
import { changeCatalogue } from './catalogue-store.ts';
import { saveRouting } from './config-store.ts';

const catalogueSeedActor = 'loopdesk-demo';

/**
 * Seeds the demo treatments, eligibility rules and routing rules when none are stored yet, so a
 * first start shows real next-best-actions with reasons. Leaves an admin's catalogue alone.
 */
export async function seedCatalogue(
  db: Db,
  catalogue: { ruleSet: RuleSet; routing: RoutingConfig } = {
    ruleSet: demoRuleSet,
    routing: demoRoutingConfig,
  },
): Promise<{ treatments: number; rules: number; routingRules: number }> {
  const { rows } = await db.query<{ treatments: number; routing: number }>(
    `SELECT (SELECT count(*)::int FROM treatments WHERE definition IS NOT NULL) AS treatments,
       (SELECT count(*)::int FROM routing_config) AS routing`,
  );
  const counts = rows[0]!;
  const seeded = { treatments: 0, rules: 0, routingRules: 0 };
  if (counts.treatments === 0) {
    const { ruleSet } = catalogue;
    await changeCatalogue(db, catalogueSeedActor, () => ({
      ruleSet,
      changes: [
        ...ruleSet.treatments.map((t) => ({
          kind: 'treatment' as const,
          id: t.id,
          change: 'create',
        })),
        ...ruleSet.rules.map((r) => ({ kind: 'rule' as const, id: r.id, change: 'create' })),
      ],
    }));
    seeded.treatments = ruleSet.treatments.length;
    seeded.rules = ruleSet.rules.length;
  }
  if (counts.routing === 0) {
    await saveRouting(db, catalogue.routing, catalogueSeedActor);
    seeded.routingRules = catalogue.routing.rules.length;
  }
  return seeded;
}
