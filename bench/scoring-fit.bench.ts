/**
 * Wall time of the scoring fits. Run: npx tsx bench/scoring-fit.bench.ts [runs]
 * Prints one plain line per case: `<name> median_ms=... min_ms=... max_ms=... runs=...`, the
 * per-model fits followed by the fitted log-likelihood and whether the optimiser converged, then
 * the three side by side (`scoring.fit_model.cdnow` with each model's median and the ratios), and
 * the holdout check on the BTYD walkthrough's split (three fits on the calibration and the
 * forecasts of the 39-week holdout) with each model's RMSE per customer.
 */
import {
  compareOnHoldout,
  fitBgNbd,
  fitGammaGamma,
  fitMbgNbd,
  fitParetoNbd,
  fitValueModels,
  holdoutHistories,
  summariseTransactions,
  trainChurnModel,
} from '../src/scoring/index.ts';
import { findDataset, readCdnowSample, readCsvRecords } from './scoring-datasets.ts';

const runs = Math.max(7, Number(process.argv[2] ?? 7) || 7);

/**
 * `describe` turns the warm-up run's result into key=value pairs appended to the line; returns
 * the median in ms.
 */
function measure<T>(name: string, work: () => T, describe?: (result: T) => string): number {
  const result = work(); // warm-up: JIT and module initialisation are not what we measure
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  const median = times[Math.floor(times.length / 2)] as number;
  const format = (ms: number): string => ms.toFixed(1);
  console.log(
    `${name} median_ms=${format(median)} min_ms=${format(times[0] as number)} max_ms=${format(times[times.length - 1] as number)} runs=${runs}${describe ? ` ${describe(result)}` : ''}`,
  );
  return median;
}

const cdnow = findDataset('cdnow/CDNOW_sample.txt');
if (cdnow.path) {
  const transactions = readCdnowSample(cdnow.path);
  // Summarising is part of the fit path the CLI runs, so it is inside the timed work.
  measure('scoring.fit.cdnow', () => {
    const summaries = summariseTransactions(transactions, { asOf: '1997-09-30' });
    return [fitBgNbd(summaries), fitGammaGamma(summaries)];
  });
  // What a scoring run fits now: the three purchase models and Gamma-Gamma.
  measure('scoring.fit_value_models.cdnow', () =>
    fitValueModels(summariseTransactions(transactions, { asOf: '1997-09-30' }), {
      asOf: '1997-09-30',
    }),
  );
  // The three buy-till-you-die models side by side: the fit alone, on the same summaries.
  const summaries = summariseTransactions(transactions, { asOf: '1997-09-30' });
  const fits = [
    ['bgnbd', () => fitBgNbd(summaries)],
    ['mbgnbd', () => fitMbgNbd(summaries)],
    ['pareto_nbd', () => fitParetoNbd(summaries)],
  ] as const;
  const medians: Record<string, number> = {};
  for (const [model, fit] of fits) {
    medians[model] = measure<{ logLikelihood: number; converged: boolean }>(
      `scoring.fit_model.cdnow.${model}`,
      fit,
      (fitted) => `loglik=${fitted.logLikelihood.toFixed(3)} converged=${fitted.converged}`,
    );
  }
  const ratio = (model: string) => ((medians[model] ?? 0) / (medians.bgnbd ?? 1)).toFixed(2);
  console.log(
    `scoring.fit_model.cdnow ${fits.map(([model]) => `${model}_ms=${(medians[model] ?? 0).toFixed(1)}`).join(' ')} ` +
      `mbgnbd_over_bgnbd=${ratio('mbgnbd')} pareto_nbd_over_bgnbd=${ratio('pareto_nbd')}`,
  );

  const holdout = holdoutHistories(transactions, {
    calibrationEnd: '1997-09-30',
    holdoutEnd: '1998-06-30',
  });
  measure(
    'scoring.holdout_check.cdnow',
    () => compareOnHoldout(holdout, 39),
    (check) =>
      [
        `customers=${check.customers}`,
        ...check.models.map((model) =>
          model.fitted ? `${model.kind.replace('-', '_')}_rmse=${model.rmse.toFixed(4)}` : '',
        ),
        `lowest=${check.ranking[0] ?? '-'}`,
      ].join(' '),
  );
} else {
  console.log(`scoring.fit.cdnow skipped: ${cdnow.reason}`);
}

const telco = findDataset('telco-churn/train.csv');
if (telco.path) {
  const rows = readCsvRecords(telco.path);
  measure('scoring.churn.train_cv5.telco', () =>
    trainChurnModel(rows, { labelColumn: 'Churn', idColumn: 'customerID' }),
  );
} else {
  console.log(`scoring.churn.train_cv5.telco skipped: ${telco.reason}`);
}
