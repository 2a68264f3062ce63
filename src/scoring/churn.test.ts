import { describe, expect, test } from 'vitest';
import { datasetsRequired, findDataset, readCsvRecords } from '../../bench/scoring-datasets.ts';
import {
  calibrationTable,
  inferColumnTypes,
  logLoss,
  parseChurnModel,
  predictChurn,
  reliability,
  rocAuc,
  trainChurnModel,
  type ChurnModel,
  type ChurnRow,
} from './index.ts';
import { stratifiedFolds } from './churn/folds.ts';

describe('metrics', () => {
  test('ROC AUC counts ties as half and is 1 for a perfect ranking', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(/both classes/);
  });

  test('log-loss and the calibration table', () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.log(2), 12);
    const probabilities = Array.from({ length: 100 }, (_, i) => i / 100);
    const labels = probabilities.map((p) => (p >= 0.5 ? 1 : 0));
    const table = calibrationTable(probabilities, labels);
    expect(table).toHaveLength(10);
    expect(table.map((bin) => bin.count)).toEqual(new Array(10).fill(10));
    expect(table[0]).toMatchObject({ bin: 1, observedRate: 0 });
    expect(table[0]?.meanPredicted).toBeCloseTo(0.045, 12);
    expect(table[9]).toMatchObject({ bin: 10, observedRate: 1 });
  });
});

/** A small made-up book: month-to-month, no-support, short-tenure customers churn more. */
function syntheticRows(count: number): ChurnRow[] {
  const rows: ChurnRow[] = [];
  let state = 7;
  const random = (): number => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  for (let i = 0; i < count; i += 1) {
    const monthly = random() < 0.5;
    const support = random() < 0.5;
    const tenure = Math.floor(random() * 72);
    const logit = -1 + (monthly ? 1.5 : -1) + (support ? -0.8 : 0.8) - tenure / 30;
    rows.push({
      id: `C${i}`,
      Contract: monthly ? 'Month-to-month' : 'Two year',
      TechSupport: support ? 'Yes' : 'No',
      tenure: i % 17 === 0 ? '' : String(tenure),
      Region: ['north', 'south', 'east'][i % 3] as string,
      Churn: random() < 1 / (1 + Math.exp(-logit)) ? 'Yes' : 'No',
    });
  }
  return rows;
}

describe('churn model on synthetic rows', () => {
  const rows = syntheticRows(600);
  const model = trainChurnModel(rows, { labelColumn: 'Churn', idColumn: 'id' });

  test('infers column types, with overrides', () => {
    expect(inferColumnTypes(rows, ['Contract', 'tenure'])).toEqual({
      Contract: 'categorical',
      tenure: 'numeric',
    });
    expect(inferColumnTypes(rows, ['tenure'], { tenure: 'categorical' })).toEqual({
      tenure: 'categorical',
    });
    expect(model.columns.map((column) => column.name)).toEqual([
      'Contract',
      'TechSupport',
      'tenure',
      'Region',
    ]);
  });

  test('handles missing numbers and learns the planted effects', () => {
    const tenure = model.columns.find((column) => column.name === 'tenure');
    expect(tenure).toMatchObject({ kind: 'numeric' });
    expect(tenure?.kind === 'numeric' && tenure.missingShare).toBeGreaterThan(0);
    expect(model.crossValidation.rocAuc).toBeGreaterThan(0.7);
    const [risky, safe] = predictChurn(model, [
      { id: 'r', Contract: 'Month-to-month', TechSupport: 'No', tenure: '1', Region: 'north' },
      { id: 's', Contract: 'Two year', TechSupport: 'Yes', tenure: '70', Region: 'north' },
    ]);
    expect(risky?.probability).toBeGreaterThan(safe?.probability as number);
    expect(risky?.reasons).toHaveLength(3);
    expect(risky?.reasons).toEqual(
      expect.arrayContaining(['month-to-month contract', 'no tech support', 'short tenure']),
    );
    expect(risky?.id).toBe('r');
    // A low risk is explained too: by what holds it down.
    expect(safe?.reasons).toEqual(
      expect.arrayContaining(['two-year contract', 'has tech support', 'long tenure']),
    );
  });

  test('unknown categories and missing cells still predict; unknown columns fall back to "<column>: <value>"', () => {
    const [prediction] = predictChurn(model, [
      { Contract: 'Three year', TechSupport: null, tenure: 'NA', Region: 'west' },
    ]);
    expect(prediction?.probability).toBeGreaterThan(0);
    expect(prediction?.probability).toBeLessThan(1);
    expect(prediction?.id).toBeNull();
    const weighted: ChurnModel = {
      ...model,
      // Region is the last column and its levels sort east, north, south: make "south" a
      // strong risk factor to see its phrase.
      coefficients: model.coefficients.map((value, j) =>
        j === model.coefficients.length - 1 ? 5 : value,
      ),
    };
    const [south] = predictChurn(weighted, [
      { Contract: 'Two year', TechSupport: 'Yes', tenure: '70', Region: 'south' },
    ]);
    expect(south?.reasons[0]).toBe('Region: south');
  });

  test('bad input names row and column', () => {
    const bad = [...rows.slice(0, 30), { ...rows[0], Churn: 'maybe' }];
    expect(() => trainChurnModel(bad, { labelColumn: 'Churn' })).toThrow(
      /row 31, column "Churn": "maybe" is not a yes\/no label/,
    );
    expect(() => trainChurnModel(rows, { labelColumn: 'Left' })).toThrow(
      /column "Left" is not in the data/,
    );
    expect(() =>
      predictChurn(model, [
        { Contract: 'Two year', TechSupport: 'Yes', tenure: 'ten', Region: 'x' },
      ]),
    ).toThrow(/row 1, column "tenure": "ten" is not a number/);
  });

  test('parseChurnModel rejects a damaged model, naming the field', () => {
    const damaged = JSON.parse(JSON.stringify(model)) as Record<string, unknown>;
    damaged.calibration = { method: 'platt', a: 'one', b: 0 };
    expect(() => parseChurnModel(damaged)).toThrow(/calibration\.a/);
    expect(() => parseChurnModel({ ...model, historyColumns: ['Region'] })).toThrow(
      /historyColumns\.0/,
    );
    expect(() => parseChurnModel({ ...model, coefficients: [1] })).toThrow(
      /coefficients do not match/,
    );
  });

  test('a model stored in format 1 still loads, Platt-scaled as it was trained', () => {
    const a = 0.9;
    const b = -0.2;
    const v1 = {
      ...JSON.parse(JSON.stringify(model)),
      formatVersion: 1,
      calibration: { a, b },
      crossValidation: {
        folds: 5,
        rocAuc: 0.8,
        foldRocAuc: [0.8],
        logLoss: 0.5,
        calibratedLogLoss: 0.49,
        calibration: [],
      },
    };
    delete v1.historyColumns;
    const loaded = parseChurnModel(v1);
    expect(loaded.calibration).toEqual({ method: 'platt', a, b });
    expect(loaded.historyColumns).toEqual([]);
    expect(loaded.crossValidation.brier).toBeNull();
    const row = { Contract: 'Two year', TechSupport: 'No', tenure: '12', Region: 'east' };
    const [raw] = predictChurn({ ...model, calibration: { method: 'none' } }, [row]);
    const eta = Math.log(raw!.probability / (1 - raw!.probability));
    expect(predictChurn(loaded, [row])[0]!.probability).toBeCloseTo(
      1 / (1 + Math.exp(-(a * eta + b))),
      12,
    );
  });
});

const telco = findDataset('telco-churn/train.csv');
if (telco.reason && !datasetsRequired)
  console.warn(`churn.test.ts: Telco checks skipped: ${telco.reason}`);

describe.skipIf(telco.reason !== null && !datasetsRequired)(
  'churn model on Telco train.csv',
  () => {
    function load(): Record<string, string>[] {
      if (!telco.path) throw new Error(telco.reason ?? 'data set missing');
      return readCsvRecords(telco.path);
    }

    test('5-fold cross-validated ROC AUC >= 0.84, sound probabilities and reasons in words', () => {
      const rows = load();
      const model = trainChurnModel(rows, { labelColumn: 'Churn', idColumn: 'customerID' });
      expect(model.trainedRows).toBe(5634);
      expect(model.churnedRows).toBe(1495);
      expect(model.crossValidation.folds).toBe(5);
      expect(model.crossValidation.rocAuc).toBeGreaterThanOrEqual(0.84);
      expect(model.crossValidation.foldRocAuc).toHaveLength(5);
      expect(model.crossValidation.calibratedLogLoss).toBeLessThan(0.45);
      // Out-of-fold deciles: mean predicted within 6 points of the observed churn rate; the
      // regularised logistic regression needs no calibration on this data.
      expect(model.crossValidation.reliability).toHaveLength(10);
      for (const bin of model.crossValidation.reliability) {
        expect(Math.abs(bin.meanPredicted - bin.observedRate)).toBeLessThan(0.06);
      }
      expect(model.crossValidation.brier).toBeLessThan(0.14);
      expect(model.crossValidation.ece).toBeLessThanOrEqual(0.03);
      expect(model.crossValidation.calibrationMethod).toBe('none');
      expect(model.calibration).toEqual({ method: 'none' });
      // TotalCharges is blank for a few new customers: treated as numeric with a missing flag.
      expect(model.columns.find((column) => column.name === 'TotalCharges')).toMatchObject({
        kind: 'numeric',
      });

      const predictions = predictChurn(model, rows);
      expect(predictions).toHaveLength(rows.length);
      let withReasons = 0;
      for (const prediction of predictions) {
        expect(prediction.probability).toBeGreaterThanOrEqual(0);
        expect(prediction.probability).toBeLessThanOrEqual(1);
        expect(prediction.reasons.length).toBeLessThanOrEqual(3);
        for (const reason of prediction.reasons) {
          // Every Telco column has a phrase: no "<column>: <value>" fallback, no raw column names.
          expect(reason).toMatch(/^[a-zA-Z][a-zA-Z -]+[a-z]$/);
          expect(reason).not.toMatch(/TechSupport|MonthlyCharges|Contract|:/);
        }
        if (prediction.reasons.length > 0) withReasons += 1;
      }
      // Customers at real risk always get a "why".
      const risky = predictions.filter((prediction) => prediction.probability >= 0.3);
      expect(risky.length).toBeGreaterThan(500);
      for (const prediction of risky) expect(prediction.reasons.length).toBeGreaterThan(0);
      // Everyone gets a "why", low risks included.
      expect(withReasons).toBe(rows.length);
      const reasonSet = new Set(risky.flatMap((prediction) => prediction.reasons));
      expect(reasonSet).toContain('month-to-month contract');
      expect(reasonSet).toContain('short tenure');
      expect(reasonSet).toContain('no tech support');

      // Round trip through JSON text gives identical predictions.
      const reloaded = parseChurnModel(JSON.parse(JSON.stringify(model)));
      expect(predictChurn(reloaded, rows)).toEqual(predictions);
    });

    /** A fifth of the customers held out of training altogether, the same split every run. */
    function heldOut(rows: Record<string, string>[]) {
      const labels = rows.map((row) => (row.Churn === 'Yes' ? 1 : 0));
      const folds = stratifiedFolds(labels, 5, 7);
      return {
        train: rows.filter((_, i) => folds[i] !== 0),
        test: rows.filter((_, i) => folds[i] === 0),
        testLabels: labels.filter((_, i) => folds[i] === 0),
      };
    }

    test('held-out customers: a shown "70%" comes true about 70% of the time', () => {
      const { train, test, testLabels } = heldOut(load());
      const model = trainChurnModel(train, { labelColumn: 'Churn', idColumn: 'customerID' });
      const probabilities = predictChurn(model, test).map((prediction) => prediction.probability);
      const measured = reliability(probabilities, testLabels);
      expect(test.length).toBe(1127);
      expect(measured.ece).toBeLessThan(0.04);
      expect(measured.brier).toBeLessThan(0.145);
      // Customers the panel would show as 60% to 79%.
      const shown = probabilities
        .map((probability, i) => ({ probability, churned: testLabels[i] as number }))
        .filter(({ probability }) => Math.round(probability * 100) >= 60 && probability < 0.795);
      expect(shown.length).toBeGreaterThan(100);
      const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
      const predicted = mean(shown.map((row) => row.probability));
      const observed = mean(shown.map((row) => row.churned));
      expect(predicted).toBeGreaterThan(0.65);
      expect(predicted).toBeLessThan(0.75);
      expect(Math.abs(observed - predicted)).toBeLessThan(0.07);
      // Each decile of risk comes true within 8 points.
      for (const bin of measured.table) {
        expect(Math.abs(bin.meanPredicted - bin.observedRate)).toBeLessThan(0.08);
      }
    });

    test('an over-regularised model is found miscalibrated, calibrated, and better on held-out customers', () => {
      const { train, test, testLabels } = heldOut(load());
      // A heavy penalty squeezes every probability towards the average churn rate.
      const model = trainChurnModel(train, {
        labelColumn: 'Churn',
        idColumn: 'customerID',
        l2: 2000,
      });
      const cv = model.crossValidation;
      expect(cv.ece).toBeGreaterThan(0.08);
      expect(cv.calibrationMethod).not.toBe('none');
      expect(model.calibration.method).toBe(cv.calibrationMethod);
      expect(cv.calibrationNote).toMatch(/above 0.03: calibrated with/);
      expect(cv.calibratedEce).toBeLessThan(0.03);
      const calibrated = reliability(
        predictChurn(model, test).map((prediction) => prediction.probability),
        testLabels,
      );
      const uncalibrated = reliability(
        predictChurn({ ...model, calibration: { method: 'none' } }, test).map(
          (prediction) => prediction.probability,
        ),
        testLabels,
      );
      expect(uncalibrated.ece).toBeGreaterThan(0.08);
      expect(calibrated.ece).toBeLessThan(0.04);
      expect(calibrated.brier).toBeLessThan(uncalibrated.brier);
      // The calibration is part of the stored model.
      const reloaded = parseChurnModel(JSON.parse(JSON.stringify(model)));
      expect(predictChurn(reloaded, test.slice(0, 50))).toEqual(
        predictChurn(model, test.slice(0, 50)),
      );
    });
  },
);
