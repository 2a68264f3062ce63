import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  detectionHealthQuerySchema,
  detectionHealthReportSchema,
  detectionReportResponseSchema,
  detectionReportSchema,
} from '../../contract/detection-health.ts';
import { problemSchema } from '../../contract/problem.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { HttpProblem } from '../http/problem.ts';
import { detectionHealth, recordDetectionReport } from './store.ts';

const dayMs = 86_400_000;
const defaultPeriodDays = 30;
const utcDay = (time: number) => new Date(time).toISOString().slice(0, 10);
/** The first day the database stores without an era suffix. */
const firstDay = Date.parse('0001-01-01T00:00:00Z');

/** [from, to) in UTC days; missing ends make the last 30 days up to and including today. */
export function detectionPeriod(
  query: { from?: string; to?: string },
  now = Date.now(),
): { from: string; to: string } {
  const to = query.to ?? utcDay(now + dayMs);
  const from = query.from ?? utcDay(Math.max(firstDay, Date.parse(to) - defaultPeriodDays * dayMs));
  if (to <= from) {
    throw new HttpProblem(400, 'Bad period', `to (${to}) must be after from (${from}).`);
  }
  return { from, to };
}

/**
 * Detection health. Extensions report counts (any role: every token names its agent); only
 * admins read them, since fixing an adapter or a rule is theirs to do and the numbers are
 * tenant-wide (a supervisor gets 403, see the README).
 */
export function detectionHealthRoutes(app: FastifyInstance, db: Db): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post(
    '/v1/detection-health/reports',
    {
      config: { role: 'csr' },
      schema: {
        tags: ['csr'],
        summary:
          'Counts of visits to claimed CRM pages per CRM, page kind, UTC day and result ' +
          "(idempotent on the caller's batchId: a repeated batch answers 200 and counts nothing)",
        body: detectionReportSchema,
        response: {
          200: detectionReportResponseSchema,
          201: detectionReportResponseSchema,
          400: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const { batchId, rows } = request.body;
      const recorded = await recordDetectionReport(db, {
        agent: principalOf(request).agentName,
        batchId,
        rows,
      });
      return reply.code(recorded.duplicate ? 200 : 201).send({ batchId, ...recorded });
    },
  );

  typed.get(
    '/v1/detection-health',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary:
          'Per CRM and page kind: visits, found by api / url / page, missed, miss rate, agents ' +
          'reporting, last report; worst first. Days [from, to) in UTC, default the last 30',
        querystring: detectionHealthQuerySchema,
        response: { 200: detectionHealthReportSchema, 400: problemSchema },
      },
    },
    async (request) => {
      const period = detectionPeriod(request.query);
      return { ...period, rows: await detectionHealth(db, period) };
    },
  );
}
