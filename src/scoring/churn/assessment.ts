import {
  churnBand,
  DEFAULT_CHURN_BAND_THRESHOLDS,
  type ChurnAssessment,
  type ChurnBandThresholds,
} from '../churn-band.ts';
import type { ChurnPrediction } from './model.ts';

/** A trained model's prediction as the panel's churn block, labelled source 'model'. */
export function churnFromModel(
  prediction: ChurnPrediction,
  modelVersion: string,
  thresholds: ChurnBandThresholds = DEFAULT_CHURN_BAND_THRESHOLDS,
): ChurnAssessment {
  return {
    probability: prediction.probability,
    band: churnBand(prediction.probability, thresholds),
    source: 'model',
    modelVersion,
    reasons: prediction.reasons.slice(0, 3),
  };
}
