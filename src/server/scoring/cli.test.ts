import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoopdesk as loopdesk } from '../testing/cli-process.ts';
import { datasetsRequired, findDataset } from '../../../bench/scoring-datasets.ts';

const telco = findDataset('telco-churn/train.csv');
if (!telco.path && datasetsRequired) throw new Error(telco.reason ?? 'Telco missing');
if (!telco.path) console.warn(`churn CLI tests skipped: ${telco.reason}`);

// Each command is a fresh Node process opening PGlite: slow on a busy machine.
describe.runIf(telco.path)('loopdesk churn and models commands', { timeout: 300_000 }, () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'loopdesk-churn-cli-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('trains with cross-validation, leaving protected attributes out, and stores the model', async () => {
    const run = await loopdesk(dataDir, [
      'churn',
      'train',
      telco.path!,
      '--id',
      'customerID',
      '--label',
      'Churn',
      '--type',
      'TotalCharges=numeric',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const auc = Number(/ROC AUC (\d\.\d+)/.exec(run.stdout)?.[1]);
    expect(auc).toBeGreaterThanOrEqual(0.84);
    expect(run.stdout).toMatch(/log-loss \d\.\d+/);
    expect(run.stdout).toMatch(/Protected attributes left out.*gender, SeniorCitizen/);
    expect(run.stdout).toMatch(/bin {2}count {2}mean_predicted {2}observed_rate/);
    // The reliability table: ten bins of about 563 customers, predicted mean against observed.
    const bins = [...run.stdout.matchAll(/^ +(\d+) +(\d+) +(0\.\d{4}) +(0\.\d{4})$/gm)];
    expect(bins.map((bin) => Number(bin[1]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(bins.reduce((sum, bin) => sum + Number(bin[2]), 0)).toBe(5634);
    for (const bin of bins) expect(Math.abs(Number(bin[3]) - Number(bin[4]))).toBeLessThan(0.08);
    expect(Number(/Brier score (0\.\d+)/.exec(run.stdout)?.[1])).toBeLessThan(0.14);
    expect(run.stdout).toMatch(
      /^Calibration: none; expected calibration error 0\.0\d+ is within 0\.03/m,
    );
    expect(run.stdout).not.toMatch(/columns: .*gender/);

    const shown = await loopdesk(dataDir, ['models', 'show', '--json']);
    expect(shown.code).toBe(0);
    const models = JSON.parse(shown.stdout) as {
      bgnbd: unknown;
      churn: { version: string; rocAuc: number; excludedColumns: string[]; columns: string[] };
    };
    expect(models.bgnbd).toBeNull();
    expect(models.churn.version).toBe('1');
    expect(models.churn.rocAuc).toBeCloseTo(auc, 4);
    expect(models.churn.excludedColumns).toEqual(['gender', 'SeniorCitizen']);
    expect(models.churn.columns).toContain('Contract');
  });

  it('predicts a probability for every row, with no label needed', async () => {
    const lines = readFileSync(telco.path!, 'utf8').trim().split(/\r?\n/);
    const header = lines[0]!.split(',');
    const churnIndex = header.indexOf('Churn');
    const unlabelled = lines.slice(0, 301).map((line) =>
      line
        .split(',')
        .filter((_, index) => index !== churnIndex)
        .join(','),
    );
    const file = path.join(dataDir, 'unlabelled.csv');
    await writeFile(file, `${unlabelled.join('\n')}\n`);
    const run = await loopdesk(dataDir, ['churn', 'predict', file, '--id', 'customerID']);
    expect(run.code).toBe(0);
    const out = run.stdout.trim().split('\n');
    expect(out[0]).toBe('customer_id,churn_probability');
    expect(out).toHaveLength(301);
    out.slice(1).forEach((line, index) => {
      const [id, probability] = line.split(',');
      expect(id).toBe(unlabelled[index + 1]!.split(',')[0]);
      expect(Number(probability)).toBeGreaterThan(0);
      expect(Number(probability)).toBeLessThan(1);
    });

    const missing = await loopdesk(dataDir, ['churn', 'predict', file, '--id', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--id column "nope" is not in the file's header/);
  });
});
