import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarDateSchema, problemSchema } from '../../contract/index.ts';
import type { ColumnKind } from '../../scoring/index.ts';
import type { ServerConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { HttpProblem } from '../http/problem.ts';
import { parseCsvRecords, predictWithCurrentModel, trainAndStoreChurnModel } from './churn.ts';
import { checkModelsOnHoldout, holdoutCheckSchema, modelChoiceSchema } from './holdout-check.ts';
import { churnTrainResponse, churnTrainResponseSchema } from './model-churn.ts';
import { modelsOverview } from './models-store.ts';
import { pruneScoreSnapshots } from './prune-snapshots.ts';
import { runScoring } from './run.ts';

const csvBodyLimit = 64 * 1024 * 1024;

/** Bad input the services reject (a missing column, an unreadable CSV line) becomes a 422. */
async function asProblem<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    throw new HttpProblem(422, 'Unprocessable Content', (error as Error).message);
  }
}

const commaList = z
  .string()
  .max(10_000)
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const columnTypes = commaList.transform((items, context) => {
  const types: Record<string, ColumnKind> = {};
  for (const item of items) {
    const match = /^(.+)[:=](numeric|categorical)$/.exec(item);
    if (!match) {
      context.addIssue({
        code: 'custom',
        message: `"${item}" is not column=numeric or column=categorical`,
      });
      return z.NEVER;
    }
    types[match[1]!] = match[2] as ColumnKind;
  }
  return types;
});

const timingsSchema = z.object({
  readMs: z.number(),
  attributesMs: z.number(),
  fitMs: z.number(),
  holdoutMs: z.number(),
  churnMs: z.number(),
  scoreMs: z.number(),
  writeMs: z.number(),
  totalMs: z.number(),
  sqlMs: z.number(),
  modelMs: z.number(),
  sqlShare: z.number(),
});

const scoringRunSchema = z.object({
  runId: z.string(),
  asOf: z.string(),
  timeUnit: z.enum(['weeks', 'days']),
  customersWithPurchases: z.number().int(),
  churnOnlyCustomers: z.number().int(),
  snapshots: z.number().int(),
  modelChurnCustomers: z.number().int(),
  fit: z.object({ customers: z.number().int(), sampled: z.boolean(), repeatBuyers: z.number() }),
  versions: z.object({
    bgnbd: z.string().nullable(),
    mbgnbd: z.string().nullable(),
    paretoNbd: z.string().nullable(),
    gammaGamma: z.string().nullable(),
    churn: z.string().nullable(),
  }),
  valueModel: modelChoiceSchema.nullable(),
  timings: timingsSchema,
});

const modelsSchema = z.object({
  bgnbd: z
    .object({
      version: z.string(),
      r: z.number(),
      alpha: z.number(),
      a: z.number(),
      b: z.number(),
      logLikelihood: z.number(),
      customers: z.number().int(),
      population: z.number().int(),
      sampled: z.boolean(),
      timeUnit: z.string(),
    })
    .nullable(),
  mbgnbd: z
    .object({
      version: z.string(),
      r: z.number(),
      alpha: z.number(),
      a: z.number(),
      b: z.number(),
      logLikelihood: z.number(),
      customers: z.number().int(),
      converged: z.boolean(),
    })
    .nullable(),
  paretoNbd: z
    .object({
      version: z.string(),
      r: z.number(),
      alpha: z.number(),
      s: z.number(),
      beta: z.number(),
      logLikelihood: z.number(),
      customers: z.number().int(),
      converged: z.boolean(),
    })
    .nullable(),
  valueModel: modelChoiceSchema.extend({ runId: z.string(), asOf: z.string() }).nullable(),
  gammaGamma: z
    .object({
      version: z.string(),
      p: z.number(),
      q: z.number(),
      gamma: z.number(),
      logLikelihood: z.number(),
      customers: z.number().int(),
    })
    .nullable(),
  churn: z
    .object({
      version: z.string(),
      rocAuc: z.number(),
      logLoss: z.number(),
      calibratedLogLoss: z.number(),
      brier: z.number().nullable(),
      ece: z.number().nullable(),
      calibrationMethod: z.string(),
      historyColumns: z.array(z.string()),
      folds: z.number().int(),
      trainedRows: z.number().int(),
      churnedRows: z.number().int(),
      columns: z.array(z.string()),
      excludedColumns: z.array(z.string()),
      trainedAt: z.string(),
    })
    .nullable(),
  asOf: z.string().nullable(),
  fittedAt: z.string().nullable(),
});

/** Admin routes for scoring runs and churn models; GET /v1/models for supervisors. */
export function scoringRoutes(app: FastifyInstance, db: Db, config: ServerConfig): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post(
    '/v1/scoring/runs',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary:
          'Run a scoring: fit BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma, choose the purchase model by holdout, snapshot every customer',
        body: z
          .strictObject({
            asOf: calendarDateSchema.optional(),
            timeUnit: z.enum(['weeks', 'days']).optional(),
          })
          .default({}),
        response: { 200: scoringRunSchema, 422: problemSchema },
      },
    },
    async (request) =>
      asProblem(() =>
        runScoring(db, {
          asOf: request.body.asOf,
          timeUnit: request.body.timeUnit,
          currency: config.defaultCurrency,
          actor: principalOf(request).agentName,
        }),
      ),
  );

  typed.post(
    '/v1/scoring/prune',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary:
          'Delete score snapshots older than keepDays, keeping per customer the scores in effect at the cutoff',
        body: z.strictObject({ keepDays: z.number().int().min(1).max(36_500) }),
        response: {
          200: z.object({ cutoff: z.string(), deleted: z.number().int() }),
        },
      },
    },
    async (request) =>
      pruneScoreSnapshots(db, {
        keepDays: request.body.keepDays,
        actor: principalOf(request).agentName,
      }),
  );

  typed.get(
    '/v1/models',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['supervisor'],
        summary: 'The current value and churn models',
        response: { 200: modelsSchema },
      },
    },
    async () => modelsOverview(db),
  );

  typed.post(
    '/v1/models/check',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary:
          "Compare BG/NBD, MBG/NBD and Pareto/NBD on a holdout: actual against expected repeat purchases per calibration-frequency bin, and each model's RMSE per customer",
        body: z.strictObject({
          holdoutFrom: calendarDateSchema,
          holdoutTo: calendarDateSchema.optional(),
          timeUnit: z.enum(['weeks', 'days']).optional(),
        }),
        response: { 200: holdoutCheckSchema, 422: problemSchema },
      },
    },
    async (request) =>
      asProblem(() =>
        checkModelsOnHoldout(db, {
          holdoutFrom: request.body.holdoutFrom,
          holdoutTo: request.body.holdoutTo,
          timeUnit: request.body.timeUnit,
        }),
      ),
  );

  // CSV bodies: parsed as text inside this scope only.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      'text/csv',
      { parseAs: 'string', bodyLimit: csvBodyLimit },
      (_request, body, done) => done(null, body),
    );
    const csv = scope.withTypeProvider<ZodTypeProvider>();
    csv.post(
      '/v1/churn/models',
      {
        config: { role: 'admin' },
        bodyLimit: csvBodyLimit,
        schema: {
          tags: ['admin'],
          summary:
            'Train a churn model on a labelled CSV (k-fold CV) and store it as a new version',
          description:
            'Body: text/csv with a header. Protected attributes (gender, age, ...) are left out ' +
            'unless includeProtected=true.',
          querystring: z.object({
            id: z.string().min(1).max(200),
            label: z.string().min(1).max(200),
            types: columnTypes,
            ignore: commaList,
            includeProtected: z
              .enum(['true', 'false'])
              .optional()
              .transform((value) => value === 'true'),
          }),
          response: { 201: churnTrainResponseSchema, 422: problemSchema },
        },
      },
      async (request, reply) => {
        const result = await asProblem(async () =>
          trainAndStoreChurnModel(db, parseCsvRecords(String(request.body ?? '')), {
            idColumn: request.query.id,
            labelColumn: request.query.label,
            columnTypes: request.query.types,
            ignoreColumns: request.query.ignore,
            includeProtected: request.query.includeProtected,
            actor: principalOf(request).agentName,
          }),
        );
        return reply.code(201).send(churnTrainResponse(result));
      },
    );

    csv.post(
      '/v1/churn/predictions',
      {
        config: { role: 'admin' },
        bodyLimit: csvBodyLimit,
        schema: {
          tags: ['admin'],
          summary: "The current churn model's probability for every row of a CSV (no label needed)",
          querystring: z.object({ id: z.string().min(1).max(200) }),
          response: {
            200: z.object({
              version: z.string(),
              predictions: z.array(
                z.object({
                  customerId: z.string(),
                  probability: z.number(),
                  reasons: z.array(z.string()),
                }),
              ),
            }),
            422: problemSchema,
          },
        },
      },
      async (request) =>
        asProblem(async () =>
          predictWithCurrentModel(
            db,
            parseCsvRecords(String(request.body ?? '')),
            request.query.id,
          ),
        ),
    );
  });
}
