import type { ConditionResult } from './evaluate-conditions.ts';
import type { BetaPosterior } from './propensity.ts';

/** Outcomes needed before the reason quotes the observed rate rather than the blended estimate. */
const EVIDENCE_QUOTE_MIN_OUTCOMES = 20;
const MAX_PHRASES = 4;

function propensityEvidence(treatmentName: string, posterior: BetaPosterior): string {
  const outcomes = posterior.accepted + posterior.declined;
  if (outcomes >= EVIDENCE_QUOTE_MIN_OUTCOMES) {
    const rate = Math.round((posterior.accepted / outcomes) * 100);
    return `${treatmentName} accepted by ${rate}% of similar customers`;
  }
  const expected = Math.round(posterior.mean * 100);
  const sofar = outcomes === 0 ? 'no outcomes yet' : `${outcomes} outcomes so far`;
  return `about ${expected}% expected to accept ${treatmentName} (${sofar})`;
}

/** "high value, churn risk 72%, Contract: Month-to-month: Retention offer accepted by 34% of similar customers" */
export function reasonLine(
  conditions: readonly ConditionResult[],
  treatmentName: string,
  posterior: BetaPosterior,
): string {
  const phrases: string[] = [];
  for (const condition of conditions) {
    if (condition.matched && condition.phrase !== null && !phrases.includes(condition.phrase)) {
      phrases.push(condition.phrase);
    }
    if (phrases.length === MAX_PHRASES) break;
  }
  const evidence = propensityEvidence(treatmentName, posterior);
  return phrases.length === 0 ? evidence : `${phrases.join(', ')}: ${evidence}`;
}
