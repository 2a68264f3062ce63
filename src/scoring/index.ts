/** Pure scoring library: data in, numbers out, no I/O. Models are plain JSON objects. */
export type { CustomerSummary, RepeatPurchaseHistory, TimeUnit, Transaction } from './types.ts';
export { DAYS_PER_MONTH, DAYS_PER_UNIT } from './types.ts';
export { dayNumber, isoDay, parseTimestamp } from './dates.ts';
export { summariseTransactions } from './summary.ts';
export { minimise } from './nelder-mead.ts';
export {
  bgnbdConditionalExpectedTransactions,
  bgnbdExpectedTransactions,
  bgnbdLogLikelihood,
  bgnbdProbabilityAlive,
  bgnbdProbabilityOfTransactions,
  fitBgNbd,
  type BgNbdModel,
} from './bgnbd.ts';
export {
  fitMbgNbd,
  mbgnbdConditionalExpectedTransactions,
  mbgnbdExpectedTransactions,
  mbgnbdLogLikelihood,
  mbgnbdProbabilityAlive,
  type MbgNbdModel,
  type MbgNbdParams,
} from './mbgnbd.ts';
export {
  fitParetoNbd,
  paretoNbdConditionalExpectedTransactions,
  paretoNbdExpectedTransactions,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  type ParetoNbdModel,
  type ParetoNbdParams,
} from './pareto-nbd.ts';
export {
  conditionalExpectedPurchases,
  probabilityAlive,
  purchaseModelNames,
  type PurchaseModel,
  type PurchaseModelKind,
} from './purchase-models.ts';
export {
  chooseValueModel,
  compareOnHoldout,
  HOLDOUT_RULE,
  holdoutHistories,
  holdoutLengthIn,
  holdoutShortfall,
  holdoutTable,
  planHoldout,
  type HoldoutComparison,
  type HoldoutHistory,
  type ValueModelChoice,
} from './holdout.ts';
export {
  fitGammaGamma,
  gammaGammaConditionalExpectedSpend,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMeanSpend,
  type GammaGammaModel,
  type GammaGammaParams,
} from './gamma-gamma.ts';
export { customerValue, type ClvOptions } from './clv.ts';
export {
  DEFAULT_TIER_QUANTILES,
  valueTier,
  valueTierThresholds,
  type ValueTier,
  type ValueTierThresholds,
} from './tiers.ts';
export { quintileScores, rfmSegment, scoreRfm, type RfmInput, type SegmentName } from './rfm.ts';
export {
  churnBand,
  churnFromBgNbd,
  churnFromPAlive,
  type ChurnAssessment,
  type ChurnBandThresholds,
} from './churn-band.ts';
export { inferColumnTypes, type ChurnRow, type ColumnKind } from './churn/features.ts';
export { calibrationTable, logLoss, rocAuc, type CalibrationBin } from './churn/metrics.ts';
export {
  brierScore,
  calibrate,
  chooseCalibration,
  expectedCalibrationError,
  fitIsotonic,
  fitPlatt,
  reliability,
} from './churn/calibration.ts';
export {
  labelledHistoryRows,
  PURCHASE_HISTORY_COLUMNS,
  purchaseHistoryFeatures,
  purchaseHistoryPhrase,
  purchaseRhythmPhrase,
} from './churn/history.ts';
export {
  crossValidationSchema,
  parseChurnModel,
  predictChurn,
  trainChurnModel,
  type ChurnModel,
} from './churn/model.ts';
export { churnFromModel } from './churn/assessment.ts';
export { fitValueModels, fittedPurchaseModels, scoreCustomers } from './score.ts';
