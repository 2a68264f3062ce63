/**
 * Wall time of the scoring fits. Run: npx tsx bench/scoring-fit.bench.ts [runs]
 * Prints one plain line per case: `<name> median_ms=... min_ms=... max_ms=... runs=...`, the
 * per-model fits followed by the fitted log-likelihood and whether the optimiser converged.
 */
import {
  fitBgNbd,
  fitGammaGamma,
  fitMbgNbd,
  fitParetoNbd,
  summariseTransactions,
  trainChurnModel,
} from '../src/scoring/index.ts';
import { findDataset, readCdnowSample, readCsvRecords } from './scoring-datasets.ts';

const runs = Math.max(7, Number(process.argv[2] ?? 7) || 7);

/** `describe` turns the warm-up run's result into key=value pairs appended to the line. */
function measure<T>(name: string, work: () => T, describe?: (result: T) => string): void {
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
}

const cdnow = findDataset('cdnow/CDNOW_sample.txt');
if (cdnow.path) {
  const transactions = readCdnowSample(cdnow.path);
  // Summarising is part of the fit path the CLI runs, so it is inside the timed work.
  measure('scoring.fit.cdnow', () => {
    const summaries = summariseTransactions(transactions, { asOf: '1997-09-30' });
    return [fitBgNbd(summaries), fitGammaGamma(summaries)];
  });
  // The three buy-till-you-die models side by side: the fit alone, on the same summaries.
  const summaries = summariseTransactions(transactions, { asOf: '1997-09-30' });
  const fits = [
    ['bgnbd', () => fitBgNbd(summaries)],
    ['mbgnbd', () => fitMbgNbd(summaries)],
    ['pareto_nbd', () => fitParetoNbd(summaries)],
  ] as const;
  for (const [model, fit] of fits) {
    measure<{ logLikelihood: number; converged: boolean }>(
      `scoring.fit_model.cdnow.${model}`,
      fit,
      (fitted) => `loglik=${fitted.logLikelihood.toFixed(3)} converged=${fitted.converged}`,
    );
  }
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
