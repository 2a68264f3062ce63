import { describe, expect, it } from 'vitest';
import { trainChurnModel, type ChurnRow } from '../../scoring/index.ts';
import { printChurnTraining } from './cli.ts';

function rows(): ChurnRow[] {
  let state = 5;
  const random = () => (state = (state * 48_271) % 2_147_483_647) / 2_147_483_647;
  return Array.from({ length: 2000 }, (_, i) => {
    const tenure = Math.floor(random() * 72);
    const monthly = random() < 0.5;
    const risk = 1 - tenure / 15 + (monthly ? 1.5 : -1.5);
    return {
      id: `C${i}`,
      tenure,
      Contract: monthly ? 'Month-to-month' : 'Two year',
      Churn: random() < 1 / (1 + Math.exp(-risk)) ? 'Yes' : 'No',
    };
  });
}

function printed(l2: number): string {
  const model = trainChurnModel(rows(), { labelColumn: 'Churn', idColumn: 'id', l2 });
  let text = '';
  printChurnTraining(
    {
      version: '3',
      trainedRows: model.trainedRows,
      churnedRows: model.churnedRows,
      columns: model.columns.map((column) => column.name),
      excludedColumns: [],
      crossValidation: model.crossValidation,
    },
    (chunk) => {
      text += chunk;
      return true;
    },
  );
  return text;
}

const tableRows = (text: string) => [...text.matchAll(/^ +\d+ +\d+ +0\.\d{4} +[01]\.\d{4}$/gm)];

describe('churn training report', () => {
  it('a well-calibrated model: reliability table, Brier score, and no calibration', () => {
    const text = printed(1);
    expect(text).toMatch(/Brier score 0\.\d{4}/);
    expect(tableRows(text)).toHaveLength(10);
    expect(text).toMatch(/^Calibration: none; expected calibration error 0\.0\d+ is within 0\.03/m);
    expect(text).not.toMatch(/After calibration/);
  });

  it('a miscalibrated one: says it calibrated, how, and shows the table after', () => {
    const text = printed(400);
    expect(text).toMatch(
      /^Calibration: expected calibration error 0\.\d+ is above 0\.03: calibrated with (Platt scaling|isotonic regression) on the out-of-fold predictions/m,
    );
    expect(tableRows(text)).toHaveLength(20);
    const after = Number(/expected calibration error (0\.\d+)\n$/.exec(text)?.[1]);
    expect(after).toBeLessThan(0.03);
  });
});
