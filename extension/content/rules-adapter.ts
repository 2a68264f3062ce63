import type { CrmAdapter } from './crm/types.ts';
import {
  detectWithRule,
  ruleMatchesOrigin,
  parseStoredRule,
  type RuleAdapterConfig,
} from '../shared/rules.ts';

const MAX_RULES = 50;

function ruleAdapter(rule: RuleAdapterConfig): CrmAdapter {
  const pattern = new RegExp(rule.urlPattern);
  return {
    id: rule.id,
    matches: (url) => ruleMatchesOrigin(rule, url) && pattern.test(url.pathname + url.search),
    // A rule claims exactly the pages its URL pattern matches.
    pageKind: () => 'rule',
    detect: (url, doc) => detectWithRule(rule, url, doc),
  };
}

/** Adapters from the stored rules; anything invalid in storage is skipped, never trusted. */
export function ruleAdaptersFrom(stored: unknown): CrmAdapter[] {
  if (!Array.isArray(stored)) return [];
  const adapters: CrmAdapter[] = [];
  for (const candidate of stored.slice(0, MAX_RULES)) {
    const rule = parseStoredRule(candidate);
    if (rule) adapters.push(ruleAdapter(rule));
  }
  return adapters;
}
