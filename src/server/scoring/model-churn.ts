import { z } from 'zod';
import {
  churnFromModel,
  crossValidationSchema,
  predictChurn,
  purchaseHistoryFeatures,
  type ChurnAssessment,
  type ChurnRow,
  type TimeUnit,
} from '../../scoring/index.ts';
import type { Db } from '../db/db.ts';
import type { ChurnTrainResult } from './churn.ts';
import { modelKinds, type currentChurnModel } from './models-store.ts';
import { summaryAt } from './population.ts';
import type { PurchaseColumns } from './read-summaries.ts';

/** What training a churn model answers, on the API (POST /v1/churn/models) and the CLI alike. */
export const churnTrainResponseSchema = z.object({
  version: z.string(),
  trainedRows: z.number().int(),
  churnedRows: z.number().int(),
  columns: z.array(z.string()),
  excludedColumns: z.array(z.string()),
  crossValidation: crossValidationSchema,
});
export type ChurnTrainResponse = z.infer<typeof churnTrainResponseSchema>;

export function churnTrainResponse(result: ChurnTrainResult): ChurnTrainResponse {
  return {
    version: result.version,
    trainedRows: result.model.trainedRows,
    churnedRows: result.model.churnedRows,
    columns: result.model.columns.map((column) => column.name),
    excludedColumns: result.excludedColumns,
    crossValidation: result.model.crossValidation,
  };
}

export interface ModelChurnHistory {
  columns: PurchaseColumns;
  asOfDay: number;
  timeUnit: TimeUnit;
}

const fetchSize = 20_000;

/**
 * The trained churn model's assessment for every customer who carries its features: every
 * attribute column it reads and, when it reads purchase-history columns, purchases up to the
 * as-of day (the history is measured then). Everyone else gets 1 - P(alive) from the run.
 */
export async function modelChurnByCustomer(
  db: Db,
  model: Awaited<ReturnType<typeof currentChurnModel>>,
  history: ModelChurnHistory,
): Promise<{ churn: Map<string, ChurnAssessment>; sqlMs: number; modelMs: number }> {
  const churn = new Map<string, ChurnAssessment>();
  if (!model) return { churn, sqlMs: 0, modelMs: 0 };
  const historyColumns = new Set(model.model.historyColumns);
  const attributeColumns = model.model.columns
    .map((column) => column.name)
    .filter((name) => !historyColumns.has(name));
  const positions = new Map<string, number>();
  if (historyColumns.size > 0) {
    history.columns.keys.forEach((key, index) => positions.set(key, index));
  }
  const version = `${modelKinds.churn}:${model.version}`;
  let sqlMs = 0;
  let modelMs = 0;
  await db.transaction(async (tx) => {
    let mark = performance.now();
    await tx.query(
      `DECLARE scoring_attributes NO SCROLL CURSOR FOR
       SELECT id::text AS key, attributes FROM customers
       WHERE attributes ?& ARRAY[${attributeColumns.map((column) => `'${column.replaceAll("'", "''")}'`).join(',')}]::text[]
       ORDER BY id`,
    );
    for (;;) {
      const { rows } = await tx.query<{ key: string; attributes: ChurnRow }>(
        `FETCH FORWARD ${fetchSize} FROM scoring_attributes`,
      );
      const now = performance.now();
      sqlMs += now - mark;
      mark = now;
      const keys: string[] = [];
      const inputs: ChurnRow[] = [];
      for (const row of rows) {
        if (historyColumns.size === 0) {
          keys.push(row.key);
          inputs.push(row.attributes);
          continue;
        }
        const index = positions.get(row.key);
        if (index === undefined) continue;
        keys.push(row.key);
        inputs.push({
          ...row.attributes,
          ...purchaseHistoryFeatures(
            summaryAt(history.columns, index, history.asOfDay, history.timeUnit),
          ),
        });
      }
      predictChurn(model.model, inputs).forEach((prediction, index) =>
        churn.set(keys[index]!, churnFromModel(prediction, version)),
      );
      modelMs += performance.now() - mark;
      mark = performance.now();
      if (rows.length < fetchSize) break;
    }
    await tx.query('CLOSE scoring_attributes');
    sqlMs += performance.now() - mark;
  });
  return { churn, sqlMs, modelMs };
}
