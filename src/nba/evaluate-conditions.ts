import type { Condition } from './conditions-schema.ts';
import { DAY_MS, type AttributeValue, type CustomerFacts } from './facts.ts';

/** Facts with the per-request work done once: contact times parsed, reasons lower-cased. */
export interface PreparedFacts {
  facts: CustomerFacts;
  nowMs: number;
  contacts: { reason: string | null; atMs: number; csat: number | null }[];
}

export function prepareFacts(facts: CustomerFacts, now: Date): PreparedFacts {
  return {
    facts,
    nowMs: now.getTime(),
    contacts: facts.recentContacts.map((contact) => ({
      reason: contact.reason === null ? null : contact.reason.trim().toLowerCase(),
      atMs: Date.parse(contact.at),
      csat: contact.csat,
    })),
  };
}

export interface ConditionResult {
  field: Condition['field'];
  matched: boolean;
  /**
   * When matched: a short phrase for the reason text, or null when there is nothing worth
   * saying (an absence such as "no complaint lately"). When not matched: why not.
   */
  phrase: string | null;
}

const percent = (p: number): string => `${Math.round(p * 100)}%`;
const inRange = (value: number, min: number | undefined, max: number | undefined): boolean =>
  (min === undefined || value >= min) && (max === undefined || value <= max);
const describeRange = (min: number | undefined, max: number | undefined, unit = ''): string =>
  min !== undefined && max !== undefined
    ? `${min}${unit}..${max}${unit}`
    : min !== undefined
      ? `at least ${min}${unit}`
      : `at most ${max}${unit}`;

const tierWords: Record<string, string> = {
  platinum: 'high value',
  gold: 'high value',
  silver: 'mid value',
  bronze: 'low value',
};

function tenurePhrase(days: number): string {
  if (days < 60) return `customer for ${Math.round(days)} days`;
  if (days < 730) return `customer for ${Math.round(days / 30.44)} months`;
  return `customer for ${(days / 365.25).toFixed(1)} years`;
}

function ageInWords(nowMs: number, atMs: number): string {
  const days = Math.floor((nowMs - atMs) / DAY_MS);
  return days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`;
}

function sameValue(actual: AttributeValue, expected: string | number | boolean): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') {
    return actual.trim().toLowerCase() === expected.trim().toLowerCase();
  }
  return actual === expected;
}

function numericValue(actual: AttributeValue): number | null {
  if (typeof actual === 'number') return Number.isFinite(actual) ? actual : null;
  if (typeof actual === 'string' && actual.trim() !== '') {
    const parsed = Number(actual);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

const yes = (phrase: string | null, label: string | undefined): ConditionResult['phrase'] =>
  label ?? phrase;

function rangeCondition(
  field: Condition['field'],
  value: number | null,
  condition: { min?: number | undefined; max?: number | undefined; label?: string | undefined },
  noun: string,
  matchedPhrase: (value: number) => string,
  show: (value: number) => string = String,
): ConditionResult {
  if (value === null) return { field, matched: false, phrase: `${noun} unknown` };
  if (inRange(value, condition.min, condition.max)) {
    return { field, matched: true, phrase: yes(matchedPhrase(value), condition.label) };
  }
  const range =
    field === 'churnProbability' || field === 'pAlive'
      ? describeRange(
          condition.min === undefined ? undefined : condition.min * 100,
          condition.max === undefined ? undefined : condition.max * 100,
          '%',
        )
      : describeRange(condition.min, condition.max);
  return { field, matched: false, phrase: `${noun} ${show(value)} not ${range}` };
}

export function evaluateCondition(condition: Condition, prepared: PreparedFacts): ConditionResult {
  const { facts } = prepared;
  switch (condition.field) {
    case 'segment': {
      const segment = facts.segment;
      if (segment !== null && (condition.in as readonly string[]).includes(segment)) {
        return {
          field: 'segment',
          matched: true,
          phrase: yes(`${segment} segment`, condition.label),
        };
      }
      return {
        field: 'segment',
        matched: false,
        phrase: `segment ${segment ?? 'unknown'} not listed`,
      };
    }
    case 'valueTier': {
      const tier = facts.valueTier;
      if (tier !== null && (condition.in as readonly string[]).includes(tier)) {
        return {
          field: 'valueTier',
          matched: true,
          phrase: yes(tierWords[tier] ?? tier, condition.label),
        };
      }
      return {
        field: 'valueTier',
        matched: false,
        phrase: `value tier ${tier ?? 'unknown'} not listed`,
      };
    }
    case 'churnBand': {
      const band = facts.churnBand;
      if (band !== null && (condition.in as readonly string[]).includes(band)) {
        const phrase =
          facts.churnProbability === null
            ? `${band} churn risk`
            : `churn risk ${percent(facts.churnProbability)}`;
        return { field: 'churnBand', matched: true, phrase: yes(phrase, condition.label) };
      }
      return {
        field: 'churnBand',
        matched: false,
        phrase: `churn band ${band ?? 'unknown'} not listed`,
      };
    }
    case 'churnProbability':
      return rangeCondition(
        'churnProbability',
        facts.churnProbability,
        condition,
        'churn risk',
        (p) => `churn risk ${percent(p)}`,
        percent,
      );
    case 'pAlive':
      return rangeCondition(
        'pAlive',
        facts.pAlive,
        condition,
        'P(alive)',
        (p) => `P(alive) ${percent(p)}`,
        percent,
      );
    case 'clv':
      return rangeCondition(
        'clv',
        facts.clv,
        condition,
        'CLV',
        (v) => `lifetime value ${Math.round(v)}`,
      );
    case 'tenureDays':
      return rangeCondition(
        'tenureDays',
        facts.tenureDays,
        condition,
        'tenure (days)',
        tenurePhrase,
      );
    case 'recentContacts': {
      const since = prepared.nowMs - condition.withinDays * DAY_MS;
      const reasons = condition.reasons?.map((r) => r.trim().toLowerCase());
      let count = 0;
      let latestMs = -Infinity;
      let latestReason: string | null = null;
      for (const contact of prepared.contacts) {
        if (!(contact.atMs >= since && contact.atMs <= prepared.nowMs)) continue;
        if (reasons && (contact.reason === null || !reasons.includes(contact.reason))) continue;
        count++;
        if (contact.atMs > latestMs) {
          latestMs = contact.atMs;
          latestReason = contact.reason;
        }
      }
      const what = reasons ? reasons.join('/') : 'contact';
      const counted = (n: number) =>
        `${n} ${reasons ? `${what} contact` : 'contact'}${n === 1 ? '' : 's'} in ${condition.withinDays} days`;
      const matched =
        (condition.minCount === undefined || count >= condition.minCount) &&
        (condition.maxCount === undefined || count <= condition.maxCount);
      if (!matched) {
        const range = describeRange(condition.minCount, condition.maxCount);
        return {
          field: 'recentContacts',
          matched: false,
          phrase: `${counted(count)}, needs ${range}`,
        };
      }
      let phrase: string | null;
      if (count === 0) phrase = null;
      else if (count === 1 && reasons)
        phrase = `${latestReason ?? what} ${ageInWords(prepared.nowMs, latestMs)}`;
      else phrase = counted(count);
      return { field: 'recentContacts', matched: true, phrase: yes(phrase, condition.label) };
    }
    case 'recentCsat': {
      const since = prepared.nowMs - condition.withinDays * DAY_MS;
      let n = 0;
      let sum = 0;
      let lowest = Infinity;
      for (const contact of prepared.contacts) {
        if (contact.csat === null || contact.atMs < since || contact.atMs > prepared.nowMs)
          continue;
        n++;
        sum += contact.csat;
        lowest = Math.min(lowest, contact.csat);
      }
      if (n === 0) {
        return {
          field: 'recentCsat',
          matched: false,
          phrase: `no surveyed contacts in ${condition.withinDays} days`,
        };
      }
      const value = condition.stat === 'avg' ? sum / n : lowest;
      const shown = condition.stat === 'avg' ? value.toFixed(1) : String(value);
      const statWord = condition.stat === 'avg' ? 'average' : 'lowest';
      if (inRange(value, condition.min, condition.max)) {
        const tone =
          condition.max !== undefined && condition.max < 4 ? 'low satisfaction' : 'satisfaction';
        return {
          field: 'recentCsat',
          matched: true,
          phrase: yes(`${tone} (${statWord} CSAT ${shown})`, condition.label),
        };
      }
      return {
        field: 'recentCsat',
        matched: false,
        phrase: `${statWord} CSAT ${shown} not ${describeRange(condition.min, condition.max)}`,
      };
    }
    case 'attribute': {
      const actual = Object.hasOwn(facts.attributes, condition.name)
        ? facts.attributes[condition.name]
        : undefined;
      const shown = actual === undefined || actual === null ? 'unknown' : String(actual);
      const matchedPhrase = `${condition.name}: ${shown}`;
      let matched: boolean;
      if (actual === undefined || actual === null) matched = false;
      else if (condition.equals !== undefined) matched = sameValue(actual, condition.equals);
      else if (condition.in !== undefined) matched = condition.in.some((v) => sameValue(actual, v));
      else if (condition.notIn !== undefined)
        matched = !condition.notIn.some((v) => sameValue(actual, v));
      else {
        const numeric = numericValue(actual);
        matched = numeric !== null && inRange(numeric, condition.min, condition.max);
      }
      return matched
        ? { field: 'attribute', matched: true, phrase: yes(matchedPhrase, condition.label) }
        : { field: 'attribute', matched: false, phrase: `${condition.name} is ${shown}` };
    }
  }
}

export interface ConditionsResult {
  matched: boolean;
  /** Every condition's outcome, in rule order (evaluation stops at the first failure). */
  results: ConditionResult[];
}

/** AND over the conditions; stops at the first one that fails, which is the "why not". */
export function evaluateConditions(
  conditions: readonly Condition[],
  prepared: PreparedFacts,
): ConditionsResult {
  const results: ConditionResult[] = [];
  for (const condition of conditions) {
    const result = evaluateCondition(condition, prepared);
    results.push(result);
    if (!result.matched) return { matched: false, results };
  }
  return { matched: true, results };
}
