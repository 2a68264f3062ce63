import {
  compileRoutingConfig,
  compileRuleSet,
  type CompiledRoutingConfig,
  type CompiledRuleSet,
} from '../../nba/index.ts';
import type { Condition } from '../../nba/index.ts';
import type { Queryable } from '../db/db.ts';
import { loadCatalogue } from './catalogue-store.ts';
import { loadRouting } from './config-store.ts';

/**
 * Compiled rule set and routing config, rebuilt only when the stored revision moves. Every
 * request reads the revisions (one cheap row each), so a change saved through any replica is
 * seen by the next decision everywhere; no timed expiry is needed.
 */
export class EngineCache {
  private ruleSet: { revision: string; compiled: CompiledRuleSet } | null = null;
  private routing: { revision: number; compiled: CompiledRoutingConfig } | null = null;
  private attributeNames = new Map<string, string>();

  /**
   * Attribute names as rules spell them, keyed lower-case: imported column names vary in case
   * (`contract` vs the rule's `Contract`), and a rule should not silently miss because of it.
   */
  ruleAttributeNames(): ReadonlyMap<string, string> {
    return this.attributeNames;
  }

  private collectAttributeNames(): void {
    const names = new Map<string, string>();
    const add = (conditions: readonly Condition[]) => {
      for (const c of conditions)
        if (c.field === 'attribute') names.set(c.name.toLowerCase(), c.name);
    };
    for (const rules of this.ruleSet?.compiled.activeRulesByTreatment.values() ?? []) {
      for (const rule of rules) add(rule.conditions);
    }
    for (const rule of this.routing?.compiled.config.rules ?? []) add(rule.conditions);
    this.attributeNames = names;
  }

  async ruleSetAt(db: Queryable, revision: string): Promise<CompiledRuleSet> {
    if (this.ruleSet?.revision === revision) return this.ruleSet.compiled;
    const catalogue = await loadCatalogue(db);
    const strip = <T extends { version: number; updatedAt: string; updatedBy: string }>({
      version: _v,
      updatedAt: _a,
      updatedBy: _b,
      ...rest
    }: T) => rest;
    // Stored items passed validateRuleSet when saved.
    const compiled = compileRuleSet({
      treatments: catalogue.treatments.map(strip),
      rules: catalogue.rules.map(strip),
    });
    this.ruleSet = { revision: catalogue.revision, compiled };
    this.collectAttributeNames();
    return compiled;
  }

  async routingAt(db: Queryable, revision: number): Promise<CompiledRoutingConfig> {
    if (this.routing?.revision === revision) return this.routing.compiled;
    const stored = await loadRouting(db);
    const { version, configVersion: _c, updatedAt: _a, updatedBy: _b, ...config } = stored;
    const compiled = compileRoutingConfig(config);
    this.routing = { revision: version, compiled };
    this.collectAttributeNames();
    return compiled;
  }
}
