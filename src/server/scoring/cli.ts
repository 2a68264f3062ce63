import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { purchaseModelNames, type CalibrationBin, type ColumnKind } from '../../scoring/index.ts';
import { readConfig } from '../config.ts';
import { callServer, cliActor, withDatabaseOrServer } from '../cli-server.ts';
import {
  parseCsvRecords,
  predictionsCsv,
  predictWithCurrentModel,
  trainAndStoreChurnModel,
  type ChurnPredictionRow,
} from './churn.ts';
import { checkModelsOnHoldout, printHoldoutCheck, type HoldoutCheck } from './holdout-check.ts';
import { churnTrainResponse, type ChurnTrainResponse } from './model-churn.ts';
import { modelsOverview, type ModelsOverview } from './models-store.ts';
import { pruneScoreSnapshots, type PruneSnapshotsResult } from './prune-snapshots.ts';
import { checkAsOf, runScoring, type ScoringRunResult } from './run.ts';

const seconds = (ms: number) => (ms / 1000).toFixed(2);

function printScoringRun(
  result: ScoringRunResult,
  write = (text: string) => process.stdout.write(text),
) {
  const t = result.timings;
  write(
    `Scored ${result.snapshots} customers as of ${result.asOf} (${result.timeUnit}): ` +
      `${result.customersWithPurchases} with purchases, ${result.churnOnlyCustomers} by churn model only; ` +
      `${result.modelChurnCustomers} with trained-model churn\n` +
      `Value models fitted on ${result.fit.customers} customers${result.fit.sampled ? ' (random sample)' : ''}, ` +
      `Gamma-Gamma on ${result.fit.repeatBuyers} repeat buyers; versions bgnbd ${result.versions.bgnbd ?? '-'}, ` +
      `mbgnbd ${result.versions.mbgnbd ?? '-'}, pareto-nbd ${result.versions.paretoNbd ?? '-'}, ` +
      `gamma-gamma ${result.versions.gammaGamma ?? '-'}, churn ${result.versions.churn ?? '-'}\n` +
      (result.valueModel
        ? `Customers valued with ${purchaseModelNames[result.valueModel.kind]}: ${result.valueModel.reason}` +
          (result.valueModel.holdout
            ? `; calibration to ${result.valueModel.holdout.calibrationEnd}, holdout to ${result.valueModel.holdout.holdoutEnd}`
            : '') +
          '\n'
        : '') +
      `Time ${seconds(t.totalMs)} s: SQL ${seconds(t.sqlMs)} s (${(t.sqlShare * 100).toFixed(1)}%; ` +
      `read ${seconds(t.readMs)} s, write ${seconds(t.writeMs)} s), model ${seconds(t.modelMs)} s ` +
      `(fit ${seconds(t.fitMs)} s, score ${seconds(t.scoreMs)} s, churn ${seconds(t.churnMs)} s)\n`,
  );
}

export function printChurnTraining(
  summary: ChurnTrainResponse,
  write = (text: string) => process.stdout.write(text),
) {
  const cv = summary.crossValidation;
  write(
    `Trained churn model version ${summary.version} on ${summary.trainedRows} rows ` +
      `(${summary.churnedRows} churned), ${summary.columns.length} columns: ${summary.columns.join(', ')}\n`,
  );
  write(
    summary.excludedColumns.length > 0
      ? `Protected attributes left out of training (and so of the reasons): ${summary.excludedColumns.join(', ')}` +
          ' (--include-protected to use them)\n'
      : 'No protected attributes (gender, age, ...) found among the columns\n',
  );
  write(
    `Cross-validation, ${cv.folds}-fold: ROC AUC ${cv.rocAuc.toFixed(4)} ` +
      `(folds ${cv.foldRocAuc.map((auc) => auc.toFixed(3)).join(', ')}), ` +
      `log-loss ${cv.logLoss.toFixed(4)}, Brier score ${figure(cv.brier)}\n`,
  );
  write('Reliability of the out-of-fold probabilities:\n');
  writeReliability(cv.reliability, write);
  if (cv.calibrationMethod === 'none') {
    write(`Calibration: none; ${cv.calibrationNote}\n`);
    return;
  }
  write(`Calibration: ${cv.calibrationNote}\n`);
  write('Reliability after calibration (each fold calibrated on the others):\n');
  writeReliability(cv.calibration, write);
  write(
    `After calibration: log-loss ${cv.calibratedLogLoss.toFixed(4)}, ` +
      `Brier score ${figure(cv.calibratedBrier)}, expected calibration error ${figure(cv.calibratedEce)}\n`,
  );
}

const figure = (value: number | null) => (value === null ? 'n/a' : value.toFixed(4));

function writeReliability(table: readonly CalibrationBin[], write: (text: string) => void) {
  write('  bin  count  mean_predicted  observed_rate\n');
  for (const bin of table) {
    write(
      `  ${String(bin.bin).padStart(3)}  ${String(bin.count).padStart(5)}  ` +
        `${bin.meanPredicted.toFixed(4).padStart(14)}  ${bin.observedRate.toFixed(4).padStart(13)}\n`,
    );
  }
}

function parseDays(value: string): number {
  const days = Number(value);
  if (!/^[0-9]+$/.test(value) || days < 1 || days > 36_500) {
    throw new InvalidArgumentError('must be a whole number of days from 1 to 36500');
  }
  return days;
}

function parseColumnType(value: string, previous: Record<string, ColumnKind> = {}) {
  const match = /^(.+)=(numeric|categorical)$/.exec(value);
  if (!match) throw new InvalidArgumentError(`"${value}" is not column=numeric|categorical`);
  return { ...previous, [match[1]!]: match[2] as ColumnKind };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

async function readCsvFile(file: string) {
  const text = await readFile(file).catch(() => {
    throw new Error(`cannot read ${file}`);
  });
  try {
    return { text, rows: parseCsvRecords(text) };
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

/** Adds `score`, `churn train|predict` and `models show` to the loopdesk CLI. */
export function registerScoringCommands(program: Command): void {
  program
    .command('score')
    .description(
      'Score every customer: RFM segment, CLV and tier, P(alive), churn; stores snapshots',
    )
    .option('--as-of <date>', 'last day of the observation window, YYYY-MM-DD (default today)')
    .addOption(
      new Option('--time-unit <unit>', 'time unit of the value models')
        .choices(['weeks', 'days'])
        .default('weeks'),
    )
    .action(async (options: { asOf?: string; timeUnit: 'weeks' | 'days' }) => {
      const asOf = options.asOf === undefined ? undefined : checkAsOf(options.asOf);
      const result = await withDatabaseOrServer(
        (db) =>
          runScoring(db, {
            asOf,
            timeUnit: options.timeUnit,
            currency: readConfig().defaultCurrency,
            actor: cliActor(),
          }),
        (server) =>
          callServer<ScoringRunResult>(server, '/v1/scoring/runs', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ asOf, timeUnit: options.timeUnit }),
          }),
      );
      printScoringRun(result);
    });

  program
    .command('prune-snapshots')
    .description(
      'Delete score snapshots older than --keep-days; each customer keeps the scores in effect at the cutoff',
    )
    .requiredOption('--keep-days <days>', 'keep every snapshot of the last <days> days', parseDays)
    .action(async (options: { keepDays: number }) => {
      const result = await withDatabaseOrServer(
        (db) => pruneScoreSnapshots(db, { keepDays: options.keepDays, actor: cliActor() }),
        (server) =>
          callServer<PruneSnapshotsResult>(server, '/v1/scoring/prune', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ keepDays: options.keepDays }),
          }),
      );
      process.stdout.write(
        `Deleted ${result.deleted} score snapshots taken before ${result.cutoff}; ` +
          'each customer keeps the scores in effect then and everything since.\n',
      );
    });

  const churn = program.command('churn').description('Train and apply the churn model');
  churn
    .command('train')
    .description('Train on a labelled CSV with k-fold cross-validation; stores a new model version')
    .argument('<file>', 'CSV with a header line')
    .requiredOption('--id <column>', 'the customer id column')
    .requiredOption('--label <column>', 'the churn label column (yes/no, true/false, 1/0)')
    .option(
      '--type <column=kind>',
      'force a column numeric or categorical (repeatable)',
      parseColumnType,
    )
    .option('--ignore <column>', 'leave a column out (repeatable)', collect)
    .option('--include-protected', 'also train on protected attributes such as gender', false)
    .action(
      async (
        file: string,
        options: {
          id: string;
          label: string;
          type?: Record<string, ColumnKind>;
          ignore?: string[];
          includeProtected: boolean;
        },
      ) => {
        const { text, rows } = await readCsvFile(file);
        const summary = await withDatabaseOrServer<ChurnTrainResponse>(
          async (db) => {
            const result = await trainAndStoreChurnModel(db, rows, {
              idColumn: options.id,
              labelColumn: options.label,
              columnTypes: options.type,
              ignoreColumns: options.ignore,
              includeProtected: options.includeProtected,
              actor: cliActor(),
            });
            return churnTrainResponse(result);
          },
          (server) => {
            const query = new URLSearchParams({ id: options.id, label: options.label });
            const types = Object.entries(options.type ?? {}).map(
              ([column, kind]) => `${column}=${kind}`,
            );
            if (types.length) query.set('types', types.join(','));
            if (options.ignore?.length) query.set('ignore', options.ignore.join(','));
            if (options.includeProtected) query.set('includeProtected', 'true');
            return callServer(server, `/v1/churn/models?${query}`, {
              method: 'POST',
              headers: { 'content-type': 'text/csv' },
              body: text,
            });
          },
        );
        printChurnTraining(summary);
      },
    );

  churn
    .command('predict')
    .description('Print customer_id,churn_probability for every row, using the current model')
    .argument('<file>', 'CSV with a header line (no label needed)')
    .requiredOption('--id <column>', 'the customer id column')
    .action(async (file: string, options: { id: string }) => {
      const { text, rows } = await readCsvFile(file);
      const result = await withDatabaseOrServer<{ predictions: ChurnPredictionRow[] }>(
        (db) => predictWithCurrentModel(db, rows, options.id),
        (server) =>
          callServer(server, `/v1/churn/predictions?${new URLSearchParams({ id: options.id })}`, {
            method: 'POST',
            headers: { 'content-type': 'text/csv' },
            body: text,
          }),
      );
      process.stdout.write(predictionsCsv(result.predictions));
    });

  const models = program.command('models').description('Fitted models');
  models
    .command('check')
    .description(
      'Compare BG/NBD, MBG/NBD and Pareto/NBD on a holdout: calibrate before --holdout-from, ' +
        'forecast each customer, print actual against expected per calibration frequency (0..7+)',
    )
    .requiredOption(
      '--holdout-from <date>',
      'first day of the holdout, YYYY-MM-DD; the calibration ends the day before',
    )
    .option('--holdout-to <date>', 'last day of the holdout (default: the last purchase on record)')
    .addOption(
      new Option('--time-unit <unit>', 'time unit of the models')
        .choices(['weeks', 'days'])
        .default('weeks'),
    )
    .option('--json', 'print JSON', false)
    .action(
      async (options: {
        holdoutFrom: string;
        holdoutTo?: string;
        timeUnit: 'weeks' | 'days';
        json: boolean;
      }) => {
        const holdoutFrom = checkAsOf(options.holdoutFrom);
        const holdoutTo =
          options.holdoutTo === undefined ? undefined : checkAsOf(options.holdoutTo);
        const check = await withDatabaseOrServer<HoldoutCheck>(
          (db) => checkModelsOnHoldout(db, { holdoutFrom, holdoutTo, timeUnit: options.timeUnit }),
          (server) =>
            callServer(server, '/v1/models/check', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ holdoutFrom, holdoutTo, timeUnit: options.timeUnit }),
            }),
        );
        if (options.json) process.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
        else printHoldoutCheck(check);
      },
    );

  models
    .command('show')
    .description('Print the current BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma and churn models')
    .option('--json', 'print JSON', false)
    .action(async (options: { json: boolean }) => {
      const overview = await withDatabaseOrServer<ModelsOverview>(
        (db) => modelsOverview(db),
        (server) => callServer(server, '/v1/models', { method: 'GET' }),
      );
      if (options.json) {
        process.stdout.write(`${JSON.stringify(overview, null, 2)}\n`);
        return;
      }
      const { bgnbd, mbgnbd, paretoNbd, valueModel, gammaGamma, churn: churnModel } = overview;
      process.stdout.write(
        (bgnbd
          ? `BG/NBD v${bgnbd.version} (as of ${overview.asOf}, ${bgnbd.timeUnit}): r ${bgnbd.r.toFixed(4)}, ` +
            `alpha ${bgnbd.alpha.toFixed(4)}, a ${bgnbd.a.toFixed(4)}, b ${bgnbd.b.toFixed(4)}, ` +
            `log-likelihood ${bgnbd.logLikelihood.toFixed(2)}, ${bgnbd.customers} customers\n`
          : 'BG/NBD: not fitted yet (run `loopdesk score`)\n') +
          (mbgnbd
            ? `MBG/NBD v${mbgnbd.version}: r ${mbgnbd.r.toFixed(4)}, alpha ${mbgnbd.alpha.toFixed(4)}, ` +
              `a ${mbgnbd.a.toFixed(4)}, b ${mbgnbd.b.toFixed(4)}, log-likelihood ${mbgnbd.logLikelihood.toFixed(2)}\n`
            : '') +
          (paretoNbd
            ? `Pareto/NBD v${paretoNbd.version}: r ${paretoNbd.r.toFixed(4)}, alpha ${paretoNbd.alpha.toFixed(4)}, ` +
              `s ${paretoNbd.s.toFixed(4)}, beta ${paretoNbd.beta.toFixed(4)}, ` +
              `log-likelihood ${paretoNbd.logLikelihood.toFixed(2)}\n`
            : '') +
          (valueModel
            ? `Value and 1 - P(alive) churn from ${purchaseModelNames[valueModel.kind]} v${valueModel.version ?? '-'} ` +
              `(scoring run ${valueModel.runId}): ${valueModel.reason}\n`
            : '') +
          (gammaGamma
            ? `Gamma-Gamma v${gammaGamma.version}: p ${gammaGamma.p.toFixed(4)}, q ${gammaGamma.q.toFixed(4)}, ` +
              `gamma ${gammaGamma.gamma.toFixed(4)}, ${gammaGamma.customers} repeat buyers\n`
            : 'Gamma-Gamma: none\n') +
          (churnModel
            ? `Churn v${churnModel.version} (trained model; 1 - P(alive) for customers without its features): ` +
              `CV ROC AUC ${churnModel.rocAuc.toFixed(4)}, Brier score ${figure(churnModel.brier)}, ` +
              `calibration ${churnModel.calibrationMethod}, ${churnModel.trainedRows} rows, trained ${churnModel.trainedAt}\n`
            : 'Churn: no trained model (churn = 1 - P(alive))\n'),
      );
    });
}
