import type { z } from 'zod';
import {
  eligibilityRuleSchema,
  routingConfigSchema,
  treatmentSchema,
  type EligibilityRule,
  type RoutingConfig,
  type RuleSet,
  type Treatment,
} from './schemas.ts';

export type ItemKind = 'treatment' | 'rule' | 'routing rule';

/** One problem, naming the item (by id and name when it has them) and the field path. */
export interface ValidationIssue {
  item: ItemKind;
  id: string | null;
  name: string | null;
  /** Dotted path inside the item, e.g. `conditions[2].max`; empty for the item itself. */
  path: string;
  message: string;
  /** `${item} "id" ("name"): path: message`, ready for a problem+json `detail` or a log. */
  text: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function describeItem(item: ItemKind, id: string | null, name: string | null): string {
  const idPart = id === null ? '(no id)' : `"${id}"`;
  return name === null ? `${item} ${idPart}` : `${item} ${idPart} ("${name}")`;
}

export function makeIssue(
  item: ItemKind,
  identity: { id: string | null; name: string | null },
  path: string,
  message: string,
): ValidationIssue {
  const where = path === '' ? '' : `${path}: `;
  return {
    item,
    id: identity.id,
    name: identity.name,
    path,
    message,
    text: `${describeItem(item, identity.id, identity.name)}: ${where}${message}`,
  };
}

function identityOf(input: unknown): { id: string | null; name: string | null } {
  if (typeof input !== 'object' || input === null) return { id: null, name: null };
  const record = input as Record<string, unknown>;
  return {
    id: typeof record.id === 'string' ? record.id : null,
    name: typeof record.name === 'string' ? record.name : null,
  };
}

function messageFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const options = (issue as { options?: unknown[] }).options ?? [];
    return `not a known condition ${issue.discriminator}; expected one of ${options.map(String).join(', ')}`;
  }
  if (issue.code === 'invalid_value') {
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return issue.message;
}

function issuesFrom(
  item: ItemKind,
  input: unknown,
  error: z.ZodError,
  pathPrefix: readonly PropertyKey[] = [],
): ValidationIssue[] {
  const identity = identityOf(input);
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = formatPath([...pathPrefix, ...issue.path, key]);
        issues.push(makeIssue(item, identity, path, 'unknown field'));
      }
    } else {
      issues.push(
        makeIssue(item, identity, formatPath([...pathPrefix, ...issue.path]), messageFor(issue)),
      );
    }
  }
  return issues;
}

function validateWith<T>(
  item: ItemKind,
  schema: z.ZodType<T>,
  input: unknown,
): ValidationResult<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: issuesFrom(item, input, parsed.error) };
}

export function validateTreatment(input: unknown): ValidationResult<Treatment> {
  return validateWith('treatment', treatmentSchema, input);
}

export function validateEligibilityRule(input: unknown): ValidationResult<EligibilityRule> {
  return validateWith('rule', eligibilityRuleSchema, input);
}

function duplicateIdIssues(
  item: ItemKind,
  items: readonly { id: string; name: string }[],
): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const entry of items) {
    if (seen.has(entry.id)) issues.push(makeIssue(item, entry, 'id', 'duplicate id'));
    seen.add(entry.id);
  }
  return issues;
}

/**
 * A whole catalogue with its rules, as saved together: each item on its own, then
 * cross-references (duplicate ids, rules pointing at unknown treatments).
 */
export function validateRuleSet(input: {
  treatments: unknown;
  rules: unknown;
}): ValidationResult<RuleSet> {
  const issues: ValidationIssue[] = [];
  const treatments: Treatment[] = [];
  const rules: EligibilityRule[] = [];
  if (!Array.isArray(input.treatments)) {
    issues.push(makeIssue('treatment', { id: null, name: null }, '', 'treatments must be a list'));
  } else {
    for (const raw of input.treatments) {
      const result = validateTreatment(raw);
      if (result.ok) treatments.push(result.value);
      else issues.push(...result.issues);
    }
  }
  if (!Array.isArray(input.rules)) {
    issues.push(makeIssue('rule', { id: null, name: null }, '', 'rules must be a list'));
  } else {
    for (const raw of input.rules) {
      const result = validateEligibilityRule(raw);
      if (result.ok) rules.push(result.value);
      else issues.push(...result.issues);
    }
  }
  issues.push(...duplicateIdIssues('treatment', treatments), ...duplicateIdIssues('rule', rules));
  const treatmentIds = new Set(treatments.map((t) => t.id));
  const rawTreatmentIds = Array.isArray(input.treatments)
    ? input.treatments.map((t) => identityOf(t).id)
    : [];
  for (const rule of rules) {
    // A treatment that failed validation is reported already; do not pile a second issue on it.
    if (!treatmentIds.has(rule.treatmentId) && !rawTreatmentIds.includes(rule.treatmentId)) {
      issues.push(
        makeIssue('rule', rule, 'treatmentId', `unknown treatment "${rule.treatmentId}"`),
      );
    }
  }
  return issues.length === 0 ? { ok: true, value: { treatments, rules } } : { ok: false, issues };
}

export function validateRoutingConfig(input: unknown): ValidationResult<RoutingConfig> {
  const parsed = routingConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issues: ValidationIssue[] = [];
    for (const issue of parsed.error.issues) {
      const [head, index, ...rest] = issue.path;
      if (head === 'rules' && typeof index === 'number') {
        const raw = (input as { rules: unknown[] }).rules[index];
        issues.push(
          ...issuesFrom('routing rule', raw, { issues: [{ ...issue, path: rest }] } as z.ZodError),
        );
      } else {
        issues.push(
          ...issuesFrom('routing rule', { id: 'fallback', name: null }, {
            issues: [issue],
          } as z.ZodError),
        );
      }
    }
    return { ok: false, issues };
  }
  const duplicates = duplicateIdIssues('routing rule', parsed.data.rules);
  return duplicates.length === 0
    ? { ok: true, value: parsed.data }
    : { ok: false, issues: duplicates };
}
