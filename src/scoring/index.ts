/** Pure scoring library: data in, numbers out, no I/O. Models are plain JSON objects. */
export type {
  CustomerSummary,
  RepeatPurchaseHistory,
  SpendHistory,
  TimeUnit,
  Transaction,
} from './types.ts';
export { DAYS_PER_MONTH, DAYS_PER_UNIT } from './types.ts';
export { dayNumber, isoDay, parseTimestamp } from './dates.ts';
export { summariseTransactions, type SummariseOptions } from './summary.ts';
export { minimise, type MinimiseOptions, type MinimiseResult } from './nelder-mead.ts';
export {
  bgnbdConditionalExpectedTransactions,
  bgnbdExpectedTransactions,
  bgnbdLogLikelihood,
  bgnbdProbabilityAlive,
  bgnbdProbabilityOfTransactions,
  fitBgNbd,
  type BgNbdModel,
  type BgNbdParams,
  type FitBgNbdOptions,
} from './bgnbd.ts';
export {
  fitMbgNbd,
  mbgnbdConditionalExpectedTransactions,
  mbgnbdExpectedTransactions,
  mbgnbdLogLikelihood,
  mbgnbdProbabilityAlive,
  type FitMbgNbdOptions,
  type MbgNbdModel,
  type MbgNbdParams,
} from './mbgnbd.ts';
export {
  fitParetoNbd,
  paretoNbdConditionalExpectedTransactions,
  paretoNbdExpectedTransactions,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  type FitParetoNbdOptions,
  type ParetoNbdModel,
  type ParetoNbdParams,
} from './pareto-nbd.ts';
export type { FitOptions, FittedModel } from './repeat-purchase-fit.ts';
export {
  conditionalExpectedPurchases,
  fitPurchaseModel,
  isPurchaseModelKind,
  probabilityAlive,
  purchaseModelKinds,
  purchaseModelNames,
  purchaseModelParams,
  type PurchaseModel,
  type PurchaseModelKind,
} from './purchase-models.ts';
export {
  chooseValueModel,
  compareOnHoldout,
  DEFAULT_PURCHASE_MODEL,
  HOLDOUT_RULE,
  HOLDOUT_TOP_BIN,
  holdoutHistories,
  holdoutLengthIn,
  holdoutShortfall,
  holdoutTable,
  planHoldout,
  type HoldoutBin,
  type HoldoutComparison,
  type HoldoutHistory,
  type HoldoutModelResult,
  type HoldoutPlan,
  type HoldoutTable,
  type ValueModelChoice,
} from './holdout.ts';
export {
  fitGammaGamma,
  gammaGammaConditionalExpectedSpend,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMeanSpend,
  isRepeatBuyer,
  type GammaGammaModel,
  type GammaGammaParams,
} from './gamma-gamma.ts';
export { customerValue, type ClvOptions, type CustomerValue } from './clv.ts';
export {
  DEFAULT_TIER_QUANTILES,
  valueTier,
  valueTierThresholds,
  type ValueTier,
  type ValueTierThresholds,
} from './tiers.ts';
export {
  quintileScores,
  rfmInputFromSummary,
  rfmSegment,
  scoreRfm,
  type RfmInput,
  type RfmScore,
  type SegmentName,
} from './rfm.ts';
export {
  DEFAULT_CHURN_BAND_THRESHOLDS,
  churnBand,
  churnFromBgNbd,
  churnFromPAlive,
  type ChurnAssessment,
  type ChurnBand,
  type ChurnBandThresholds,
} from './churn-band.ts';
export {
  inferColumnTypes,
  type CellValue,
  type ChurnRow,
  type ColumnEncoding,
  type ColumnKind,
} from './churn/features.ts';
export { calibrationTable, logLoss, rocAuc, type CalibrationBin } from './churn/metrics.ts';
export {
  brierScore,
  calibrate,
  CALIBRATION_TOLERANCE,
  chooseCalibration,
  expectedCalibrationError,
  fitIsotonic,
  fitPlatt,
  reliability,
  type CalibrationChoice,
  type CalibrationMethod,
  type Calibrator,
  type Reliability,
} from './churn/calibration.ts';
export {
  isPurchaseHistoryColumn,
  labelledHistoryRows,
  PURCHASE_HISTORY_COLUMNS,
  purchaseHistoryFeatures,
  purchaseHistoryPhrase,
  purchaseRhythmPhrase,
  type LabelledHistoryOptions,
  type PurchaseHistory,
  type PurchaseHistoryColumn,
} from './churn/history.ts';
export {
  crossValidationSchema,
  parseChurnModel,
  predictChurn,
  trainChurnModel,
  type ChurnModel,
  type ChurnPrediction,
  type CrossValidationReport,
  type TrainChurnOptions,
} from './churn/model.ts';
export { churnFromModel } from './churn/assessment.ts';
export {
  fitValueModels,
  fittedPurchaseModels,
  scoreCustomers,
  type CustomerScore,
  type ScoreOptions,
  type ValueModels,
} from './score.ts';
