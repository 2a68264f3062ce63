import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetsRequired, findDataset, readCdnowSample } from '../../../bench/scoring-datasets.ts';
import { runLoopdesk as loopdesk } from '../testing/cli-process.ts';
import type { HoldoutCheck } from './holdout-check.ts';
import type { ModelsOverview } from './models-store.ts';

const cdnow = findDataset('cdnow/CDNOW_sample.txt');
if (!cdnow.path && datasetsRequired) throw new Error(cdnow.reason ?? 'CDNOW missing');
if (!cdnow.path) console.warn(`models check CLI tests skipped: ${cdnow.reason}`);

// Each command is a fresh Node process opening PGlite: slow on a busy machine.
describe.runIf(cdnow.path)(
  'loopdesk score, models show and models check on CDNOW',
  {
    timeout: 300_000,
  },
  () => {
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'loopdesk-models-cli-'));
      const lines = readCdnowSample(cdnow.path!).map(
        (t, index) => `${t.customerId},${String(t.at)},${t.amount},${index + 1}`,
      );
      const file = path.join(dataDir, 'cdnow.csv');
      await writeFile(file, `customer_id,occurred_at,amount,order_id\n${lines.join('\n')}\n`);
      const imported = await loopdesk(dataDir, ['import', 'transactions', file]);
      expect(imported.code).toBe(0);
    }, 300_000);
    afterAll(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    it('scores with the model chosen by holdout and shows all three fits', async () => {
      const scored = await loopdesk(dataDir, ['score', '--as-of', '1997-09-30']);
      expect(scored.stderr).toBe('');
      expect(scored.code).toBe(0);
      expect(scored.stdout).toMatch(
        /Customers valued with MBG\/NBD: MBG\/NBD forecast the holdout best: RMSE 0\.\d{3} .*calibration to 1997-07-02, holdout to 1997-09-30/,
      );

      const shown = await loopdesk(dataDir, ['models', 'show', '--json']);
      expect(shown.code).toBe(0);
      const models = JSON.parse(shown.stdout) as ModelsOverview;
      expect(models.paretoNbd).toMatchObject({ version: '1', customers: 2357 });
      expect(models.paretoNbd!.r).toBeCloseTo(0.553, 2);
      expect(models.paretoNbd!.beta).toBeCloseTo(11.669, 1);
      expect(models.paretoNbd!.logLikelihood).toBeCloseTo(-9594.97, 1);
      expect(models.mbgnbd).toMatchObject({ version: '1', customers: 2357 });
      expect(models.mbgnbd!.b).toBeCloseTo(1.614, 2);
      expect(models.mbgnbd!.logLikelihood).toBeCloseTo(-9582.13, 1);
      expect(models.valueModel).toMatchObject({ kind: 'mbgnbd', version: '1', basis: 'holdout' });

      const text = await loopdesk(dataDir, ['models', 'show']);
      expect(text.stdout).toMatch(/^Pareto\/NBD v1: r 0\.55\d+, alpha 10\.5\d+, s 0\.60\d+/m);
      expect(text.stdout).toMatch(/^Value and 1 - P\(alive\) churn from MBG\/NBD v1 /m);
    });

    it('prints the BTYD walkthrough holdout table for each model, with the error defined', async () => {
      const run = await loopdesk(dataDir, ['models', 'check', '--holdout-from', '1997-10-01']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        'Holdout check: calibration to 1997-09-30, holdout 1997-10-01 to 1998-06-30 (39.0 weeks); 2357 customers',
      );
      expect(run.stdout).toMatch(
        /^ {2}bin {4}customers {6}actual {6}BG\/NBD {5}MBG\/NBD {2}Pareto\/NBD$/m,
      );
      expect(run.stdout).toMatch(/^ {2}0 {11}1411 {7}0\.237 {7}0\.225 {7}0\.185 {7}0\.138$/m);
      expect(run.stdout).toMatch(/^ {2}7\+ {12}64 {7}6\.359 /m);
      expect(run.stdout).toMatch(
        /Pareto\/NBD: expected 1665\.\d repeat purchases \(-11\.5%\), RMSE 1\.60\d\d/,
      );
      expect(run.stdout).toContain('Error: root mean squared error per customer');
      expect(run.stdout).toMatch(/^Lowest error: Pareto\/NBD$/m);

      const json = await loopdesk(dataDir, [
        'models',
        'check',
        '--holdout-from',
        '1997-10-01',
        '--holdout-to',
        '1998-06-30',
        '--json',
      ]);
      expect(json.code).toBe(0);
      const check = JSON.parse(json.stdout) as HoldoutCheck;
      expect(check.actualTotal).toBe(1882);
      expect(check.ranking[0]).toBe('pareto-nbd');

      const empty = await loopdesk(dataDir, ['models', 'check', '--holdout-from', '1996-01-01']);
      expect(empty.code).toBe(1);
      expect(empty.stderr).toMatch(/no customer bought on or before 1995-12-31/);
    });
  },
);
