import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetsRequired, findDataset } from '../../../bench/scoring-datasets.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

const telco = findDataset('telco-churn/train.csv');
if (!telco.path && datasetsRequired) throw new Error(telco.reason ?? 'Telco missing');
if (!telco.path) console.warn(`churn training API test skipped: ${telco.reason}`);

describe.runIf(telco.path).each(testDatabases())('churn training API on $name', (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('stores a trained model version and audits who trained it', async () => {
    // The first 1,500 rows of the real Telco file keep the test quick; the CLI test trains on all.
    const csv = readFileSync(telco.path!, 'utf8').trim().split(/\r?\n/).slice(0, 1501).join('\n');
    const { app, auth } = await appWithTokens(db);
    try {
      const train = (query: string) =>
        app.inject({
          method: 'POST',
          url: `/v1/churn/models?${query}`,
          headers: { ...auth('admin'), 'content-type': 'text/csv' },
          payload: csv,
        });
      const refused = await train('id=customerID&label=NoSuchColumn');
      expect(refused.statusCode).toBe(422);
      const trained = await train('id=customerID&label=Churn&types=TotalCharges%3Dnumeric');
      expect(trained.statusCode).toBe(201);
      const { version, trainedRows } = trained.json() as { version: string; trainedRows: number };
      expect(trainedRows).toBe(1500);
      const audited = await db.query<{ actor: string; target: string; details: object }>(
        `SELECT actor, target, details FROM audit_log WHERE action = 'churn_model.train'`,
      );
      expect(audited.rows).toEqual([
        {
          actor: 'test-admin',
          target: version,
          details: expect.objectContaining({
            trainedRows: 1500,
            excludedColumns: ['gender', 'SeniorCitizen'],
          }),
        },
      ]);
    } finally {
      await app.close();
    }
  }, 120_000);
});
