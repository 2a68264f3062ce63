/**
 * The three buy-till-you-die purchase models behind one interface, so a scoring run can fit
 * them side by side, compare them on a holdout and score with the one that forecast best.
 */
import {
  purchaseModelKinds,
  purchaseModelNames,
  type PurchaseModelKind,
} from '../contract/insights.ts';
import {
  bgnbdConditionalExpectedTransactions,
  bgnbdProbabilityAlive,
  fitBgNbd,
  type BgNbdModel,
} from './bgnbd.ts';
import {
  fitMbgNbd,
  mbgnbdConditionalExpectedTransactions,
  mbgnbdProbabilityAlive,
  type MbgNbdModel,
} from './mbgnbd.ts';
import {
  fitParetoNbd,
  paretoNbdConditionalExpectedTransactions,
  paretoNbdProbabilityAlive,
  type ParetoNbdModel,
} from './pareto-nbd.ts';
import type { RepeatPurchaseHistory, TimeUnit } from './types.ts';

export { purchaseModelKinds, purchaseModelNames, type PurchaseModelKind };

/** A fitted purchase model, tagged with its kind; `model` is the fit's plain JSON. */
export type PurchaseModel =
  | { kind: 'bgnbd'; model: BgNbdModel }
  | { kind: 'mbgnbd'; model: MbgNbdModel }
  | { kind: 'pareto-nbd'; model: ParetoNbdModel };

function fitted(
  kind: PurchaseModelKind,
  data: readonly RepeatPurchaseHistory[],
  options: { timeUnit?: TimeUnit },
): PurchaseModel {
  switch (kind) {
    case 'bgnbd':
      return { kind, model: fitBgNbd(data, options) };
    case 'mbgnbd':
      return { kind, model: fitMbgNbd(data, options) };
    case 'pareto-nbd':
      return { kind, model: fitParetoNbd(data, options) };
  }
}

/** Fits one model; throws when the fit fails or ends anywhere but at finite numbers. */
export function fitPurchaseModel(
  kind: PurchaseModelKind,
  data: readonly RepeatPurchaseHistory[],
  options: { timeUnit?: TimeUnit } = {},
): PurchaseModel {
  const purchase = fitted(kind, data, options);
  const numbers = [purchase.model.logLikelihood, ...Object.values(purchaseModelParams(purchase))];
  if (!numbers.every(Number.isFinite)) {
    throw new Error(`${purchaseModelNames[kind]}: the fit found no finite optimum`);
  }
  return purchase;
}

export function probabilityAlive(purchase: PurchaseModel, history: RepeatPurchaseHistory): number {
  switch (purchase.kind) {
    case 'bgnbd':
      return bgnbdProbabilityAlive(purchase.model, history);
    case 'mbgnbd':
      return mbgnbdProbabilityAlive(purchase.model, history);
    case 'pareto-nbd':
      return paretoNbdProbabilityAlive(purchase.model, history);
  }
}

/** Expected repeat purchases in (T, T + t] given the history, in the model's time unit. */
export function conditionalExpectedPurchases(
  purchase: PurchaseModel,
  t: number,
  history: RepeatPurchaseHistory,
): number {
  switch (purchase.kind) {
    case 'bgnbd':
      return bgnbdConditionalExpectedTransactions(purchase.model, t, history);
    case 'mbgnbd':
      return mbgnbdConditionalExpectedTransactions(purchase.model, t, history);
    case 'pareto-nbd':
      return paretoNbdConditionalExpectedTransactions(purchase.model, t, history);
  }
}

/** The model's parameters alone (r, alpha and a, b or s, beta). */
export function purchaseModelParams(purchase: PurchaseModel): Record<string, number> {
  const { model } = purchase;
  return purchase.kind === 'pareto-nbd'
    ? { r: model.r, alpha: model.alpha, s: purchase.model.s, beta: purchase.model.beta }
    : { r: model.r, alpha: model.alpha, a: purchase.model.a, b: purchase.model.b };
}
