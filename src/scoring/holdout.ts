/**
 * Model choice by holdout, as the BTYD walkthrough checks a model: fit on a calibration period,
 * forecast each customer's repeat purchases in the holdout period that follows, and compare with
 * what they did, per calibration-frequency bin (0, 1, ..., 7+).
 *
 * The error a model is judged by is the root mean squared error per customer of that forecast:
 * sqrt(mean over customers of (actual - expected)^2), in repeat purchases. The models forecast a
 * mean, and the squared error is the one whose expectation the true mean minimises; the absolute
 * error is minimised by the median, which is 0 for most customers of a sparse holdout, so it
 * would reward a model for forecasting too little. It is also the RMSE BTYDplus reports for
 * these models on CDNOW (Platzer, demo/cdnow.r). The table's per-bin means show calibration by
 * group; the RMSE also counts how well a model tells apart customers within a bin, which is
 * what a CSR reads off one customer's P(alive).
 */
import { dayNumber } from './dates.ts';
import {
  conditionalExpectedPurchases,
  fitPurchaseModel,
  purchaseModelKinds,
  purchaseModelNames,
  purchaseModelParams,
  type PurchaseModel,
  type PurchaseModelKind,
} from './purchase-models.ts';
import { summariseTransactions } from './summary.ts';
import {
  DAYS_PER_UNIT,
  type RepeatPurchaseHistory,
  type TimeUnit,
  type Transaction,
} from './types.ts';

/** A calibration-period history and the repeat purchase days that followed in the holdout. */
export interface HoldoutHistory extends RepeatPurchaseHistory {
  holdoutPurchases: number;
}

/** Bins 0..6 and "7+" of calibration frequency, the walkthrough's censor at 7. */
const HOLDOUT_TOP_BIN = 7;

interface HoldoutBin {
  /** "0" ... "6", "7+". */
  bin: string;
  customers: number;
  /** Mean actual repeat purchases in the holdout. */
  actual: number;
}

export interface HoldoutTable {
  bins: (HoldoutBin & { expected: number })[];
  actualTotal: number;
  expectedTotal: number;
  /** Root mean squared error per customer, in repeat purchases. */
  rmse: number;
}

function binOf(frequency: number): number {
  return Math.min(frequency, HOLDOUT_TOP_BIN);
}

function binLabel(index: number): string {
  return index === HOLDOUT_TOP_BIN ? `${HOLDOUT_TOP_BIN}+` : String(index);
}

/** Actual against expected per bin, the totals and the RMSE; `expected[i]` is customer i's. */
export function holdoutTable(
  histories: readonly HoldoutHistory[],
  expected: ArrayLike<number>,
): HoldoutTable {
  if (expected.length !== histories.length) {
    throw new Error(`${expected.length} forecasts for ${histories.length} customers`);
  }
  const sums = Array.from({ length: HOLDOUT_TOP_BIN + 1 }, () => ({ n: 0, a: 0, e: 0 }));
  let actualTotal = 0;
  let expectedTotal = 0;
  let squares = 0;
  histories.forEach((history, i) => {
    const forecast = expected[i] as number;
    const sum = sums[binOf(history.frequency)]!;
    sum.n += 1;
    sum.a += history.holdoutPurchases;
    sum.e += forecast;
    actualTotal += history.holdoutPurchases;
    expectedTotal += forecast;
    squares += (history.holdoutPurchases - forecast) ** 2;
  });
  return {
    bins: sums
      .map((sum, index) => ({
        bin: binLabel(index),
        customers: sum.n,
        actual: sum.n > 0 ? sum.a / sum.n : 0,
        expected: sum.n > 0 ? sum.e / sum.n : 0,
      }))
      .filter((bin) => bin.customers > 0),
    actualTotal,
    expectedTotal,
    rmse: histories.length > 0 ? Math.sqrt(squares / histories.length) : 0,
  };
}

type HoldoutModelResult =
  | {
      kind: PurchaseModelKind;
      name: string;
      fitted: true;
      params: Record<string, number>;
      logLikelihood: number;
      converged: boolean;
      /** Mean expected holdout purchases per bin, in the order of the comparison's bins. */
      expected: number[];
      expectedTotal: number;
      rmse: number;
    }
  | { kind: PurchaseModelKind; name: string; fitted: false; failure: string };

export interface HoldoutComparison {
  customers: number;
  /** Holdout length in the time unit. */
  holdoutLength: number;
  timeUnit: TimeUnit;
  bins: HoldoutBin[];
  actualTotal: number;
  models: HoldoutModelResult[];
  /** Fitted models, lowest RMSE first. */
  ranking: PurchaseModelKind[];
}

/**
 * Fits each model on the calibration histories and scores its forecast of the holdout. A model
 * whose fit fails is reported with why and left out of the ranking.
 */
export function compareOnHoldout(
  histories: readonly HoldoutHistory[],
  holdoutLength: number,
  options: { timeUnit?: TimeUnit; kinds?: readonly PurchaseModelKind[] } = {},
): HoldoutComparison {
  if (histories.length === 0) throw new Error('holdout check: no customers in the calibration');
  if (!(holdoutLength > 0)) throw new Error('holdout check: the holdout period is empty');
  const timeUnit = options.timeUnit ?? 'weeks';
  const reference = holdoutTable(histories, new Float64Array(histories.length));
  const models = (options.kinds ?? purchaseModelKinds).map((kind): HoldoutModelResult => {
    const name = purchaseModelNames[kind];
    let purchase: PurchaseModel;
    try {
      purchase = fitPurchaseModel(kind, histories, { timeUnit });
    } catch (error) {
      return { kind, name, fitted: false, failure: (error as Error).message };
    }
    const forecasts = Float64Array.from(histories, (history) =>
      conditionalExpectedPurchases(purchase, holdoutLength, history),
    );
    const table = holdoutTable(histories, forecasts);
    if (!Number.isFinite(table.rmse)) {
      return { kind, name, fitted: false, failure: 'the forecast is not a number' };
    }
    return {
      kind,
      name,
      fitted: true,
      params: purchaseModelParams(purchase),
      logLikelihood: purchase.model.logLikelihood,
      converged: purchase.model.converged,
      expected: table.bins.map((bin) => bin.expected),
      expectedTotal: table.expectedTotal,
      rmse: table.rmse,
    };
  });
  const ranking = models
    .flatMap((model) => (model.fitted ? [model] : []))
    .sort((x, y) => x.rmse - y.rmse)
    .map((model) => model.kind);
  return {
    customers: histories.length,
    holdoutLength,
    timeUnit,
    bins: reference.bins.map(({ bin, customers, actual }) => ({ bin, customers, actual })),
    actualTotal: reference.actualTotal,
    models,
    ranking,
  };
}

/**
 * Calibration histories up to `calibrationEnd` and each customer's repeat purchase days in
 * (calibrationEnd, holdoutEnd], from transactions (same-day purchases merged). Customers whose
 * first purchase is after the calibration are not part of the check.
 */
export function holdoutHistories(
  transactions: Iterable<Transaction>,
  options: { calibrationEnd: string; holdoutEnd: string; timeUnit?: TimeUnit },
): (HoldoutHistory & { customerId: string })[] {
  const end = dayNumber(options.calibrationEnd);
  const last = dayNumber(options.holdoutEnd);
  if (!(last > end)) throw new Error('holdout check: the holdout must end after the calibration');
  const list = [...transactions];
  const holdoutDays = new Map<string, Set<number>>();
  for (const transaction of list) {
    const day = dayNumber(transaction.at);
    if (day <= end || day > last) continue;
    let days = holdoutDays.get(transaction.customerId);
    if (!days) holdoutDays.set(transaction.customerId, (days = new Set()));
    days.add(day);
  }
  return summariseTransactions(list, {
    asOf: options.calibrationEnd,
    timeUnit: options.timeUnit,
  }).map((summary) => ({
    customerId: summary.customerId,
    frequency: summary.frequency,
    recency: summary.recency,
    T: summary.T,
    holdoutPurchases: holdoutDays.get(summary.customerId)?.size ?? 0,
  }));
}

/**
 * When a scoring run compares the models on its own history. The holdout is the last third of
 * the history (first purchase on record to the as-of day), at most a year: long enough to see
 * repeat purchases, short enough to leave most of the history to calibrate on. The run needs a
 * holdout of at least 8 weeks (so at least 24 weeks of history), and in the calibration at least
 * 500 customers of whom 100 bought again, and at least 100 repeat purchases in the holdout.
 * These floors are judgment, not derivation: the three models' errors are close (on CDNOW's 2,357
 * customers their RMSEs lie within 0.4 % of each other), so on less data the ranking would be
 * noise, and then MBG/NBD is the safer default.
 */
export const HOLDOUT_RULE = {
  share: 1 / 3,
  minDays: 56,
  maxDays: 365,
  minCustomers: 500,
  minRepeatBuyers: 100,
  minHoldoutPurchases: 100,
} as const;

export type HoldoutPlan =
  { ok: true; calibrationEndDay: number; holdoutDays: number } | { ok: false; reason: string };

/** Where the run's holdout starts, from the first purchase day on record and the as-of day. */
export function planHoldout(firstDay: number, asOfDay: number): HoldoutPlan {
  const span = asOfDay - firstDay;
  const holdoutDays = Math.min(HOLDOUT_RULE.maxDays, Math.floor(span * HOLDOUT_RULE.share));
  if (holdoutDays < HOLDOUT_RULE.minDays) {
    const needed = Math.ceil(HOLDOUT_RULE.minDays / HOLDOUT_RULE.share / 7);
    return {
      ok: false,
      reason: `${Math.floor(span / 7)} weeks of purchase history, ${needed} needed`,
    };
  }
  return { ok: true, calibrationEndDay: asOfDay - holdoutDays, holdoutDays };
}

/** Why these calibration histories are too few for a holdout check, or null when they will do. */
export function holdoutShortfall(histories: readonly HoldoutHistory[]): string | null {
  let repeatBuyers = 0;
  let holdoutPurchases = 0;
  for (const history of histories) {
    if (history.frequency > 0) repeatBuyers += 1;
    holdoutPurchases += history.holdoutPurchases;
  }
  const short: string[] = [];
  if (histories.length < HOLDOUT_RULE.minCustomers) {
    short.push(
      `${histories.length} customers in the calibration, ${HOLDOUT_RULE.minCustomers} needed`,
    );
  }
  if (repeatBuyers < HOLDOUT_RULE.minRepeatBuyers) {
    short.push(`${repeatBuyers} repeat buyers, ${HOLDOUT_RULE.minRepeatBuyers} needed`);
  }
  if (holdoutPurchases < HOLDOUT_RULE.minHoldoutPurchases) {
    short.push(
      `${holdoutPurchases} repeat purchases in the holdout, ${HOLDOUT_RULE.minHoldoutPurchases} needed`,
    );
  }
  return short.length > 0 ? short.join('; ') : null;
}

/** The model used when the history is too short to choose by holdout. */
const DEFAULT_PURCHASE_MODEL: PurchaseModelKind = 'mbgnbd';
/** Then, if its fit fails, the next of these that fits. */
const fallbackOrder: readonly PurchaseModelKind[] = ['mbgnbd', 'pareto-nbd', 'bgnbd'];

export interface ValueModelChoice {
  kind: PurchaseModelKind;
  /** 'holdout': lowest holdout RMSE; 'default': too little history, or no usable comparison. */
  basis: 'holdout' | 'default';
  reason: string;
}

const rmseText = (value: number) => value.toFixed(3);

/**
 * The model a scoring run values customers with: the lowest holdout RMSE among the models that
 * also fitted on the whole history (`available`), else MBG/NBD, whose P(alive) is below 1 for a
 * one-time buyer (BG/NBD's is 1), else the first of Pareto/NBD and BG/NBD that fitted.
 */
export function chooseValueModel(
  available: readonly PurchaseModelKind[],
  holdout: { comparison: HoldoutComparison } | { shortfall: string },
): ValueModelChoice {
  if (available.length === 0) throw new Error('no purchase model could be fitted');
  if ('comparison' in holdout) {
    const { comparison } = holdout;
    const best = comparison.ranking.find((kind) => available.includes(kind));
    if (best) {
      const errors = new Map(
        comparison.models.flatMap((model) => (model.fitted ? [[model.kind, model.rmse]] : [])),
      );
      const others = comparison.ranking
        .filter((kind) => kind !== best)
        .map((kind) => `${purchaseModelNames[kind]} ${rmseText(errors.get(kind)!)}`);
      const length = `${comparison.holdoutLength.toFixed(1)} ${comparison.timeUnit}`;
      return {
        kind: best,
        basis: 'holdout',
        reason:
          `${purchaseModelNames[best]} forecast the holdout best: RMSE ${rmseText(errors.get(best)!)} ` +
          `repeat purchases per customer${others.length ? ` against ${others.join(', ')}` : ''} ` +
          `(${comparison.customers} customers, ${length})`,
      };
    }
  }
  const why =
    'shortfall' in holdout
      ? `not enough history for a holdout check (${holdout.shortfall})`
      : 'no model fitted both the calibration and the whole history';
  const kind = fallbackOrder.find((candidate) => available.includes(candidate))!;
  const reason =
    kind === DEFAULT_PURCHASE_MODEL
      ? `${why}: MBG/NBD by default, so a one-time buyer is never certainly alive`
      : `${why}; MBG/NBD could not be fitted, so ${purchaseModelNames[kind]}`;
  return { kind, basis: 'default', reason };
}

/** Days of the time unit, for a holdout length measured in days. */
export function holdoutLengthIn(days: number, timeUnit: TimeUnit): number {
  return days / DAYS_PER_UNIT[timeUnit];
}
