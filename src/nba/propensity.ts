import type { Treatment } from './schemas.ts';

/** Outcome counts for one treatment in one segment, as the server aggregates them. */
export interface OutcomeTally {
  treatmentId: string;
  /** Segment name; null for customers without a segment. */
  segment: string | null;
  accepted: number;
  declined: number;
}

export interface BetaPosterior {
  alpha: number;
  beta: number;
  /** alpha / (alpha + beta): what the panel shows. */
  mean: number;
  accepted: number;
  declined: number;
}

/** Segment key used for customers with no segment. */
export const UNSEGMENTED = '(none)';

/** Tallies keyed by treatment and segment; build once per request (or cache per outcome batch). */
export type TallyIndex = ReadonlyMap<string, { accepted: number; declined: number }>;

const keyOf = (treatmentId: string, segment: string | null): string =>
  `${treatmentId}\u0000${segment ?? UNSEGMENTED}`;

export function indexTallies(tallies: readonly OutcomeTally[]): TallyIndex {
  const index = new Map<string, { accepted: number; declined: number }>();
  for (const tally of tallies) {
    if (tally.accepted < 0 || tally.declined < 0) {
      throw new RangeError(`negative outcome count for treatment "${tally.treatmentId}"`);
    }
    const key = keyOf(tally.treatmentId, tally.segment);
    const existing = index.get(key);
    if (existing) {
      existing.accepted += tally.accepted;
      existing.declined += tally.declined;
    } else {
      index.set(key, { accepted: tally.accepted, declined: tally.declined });
    }
  }
  return index;
}

/**
 * Beta-Binomial update: the admin prior is worth `evidenceWeight` outcomes at rate
 * `propensity` (alpha0 = p*w, beta0 = (1-p)*w); each acceptance adds to alpha, each decline to beta.
 */
export function posteriorFor(
  prior: Treatment['prior'],
  counts: { accepted: number; declined: number } | undefined,
): BetaPosterior {
  const accepted = counts?.accepted ?? 0;
  const declined = counts?.declined ?? 0;
  const alpha = prior.propensity * prior.evidenceWeight + accepted;
  const beta = (1 - prior.propensity) * prior.evidenceWeight + declined;
  return { alpha, beta, mean: alpha / (alpha + beta), accepted, declined };
}

export function lookupPosterior(
  index: TallyIndex,
  treatment: Pick<Treatment, 'id' | 'prior'>,
  segment: string | null,
): BetaPosterior {
  return posteriorFor(treatment.prior, index.get(keyOf(treatment.id, segment)));
}

/** Only accepted and declined outcomes teach propensity; offered and not-offered rows do not. */
export function tallyOutcomes(
  outcomes: readonly { treatmentId: string; segment: string | null; result: string }[],
): OutcomeTally[] {
  const byKey = new Map<string, OutcomeTally>();
  for (const outcome of outcomes) {
    if (outcome.result !== 'accepted' && outcome.result !== 'declined') continue;
    const key = keyOf(outcome.treatmentId, outcome.segment);
    let tally = byKey.get(key);
    if (!tally) {
      tally = {
        treatmentId: outcome.treatmentId,
        segment: outcome.segment,
        accepted: 0,
        declined: 0,
      };
      byKey.set(key, tally);
    }
    if (outcome.result === 'accepted') tally.accepted++;
    else tally.declined++;
  }
  return [...byKey.values()];
}
