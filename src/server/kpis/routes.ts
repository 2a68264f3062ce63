import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { kpiQuerySchema, kpiReportSchema } from '../../contract/supervisor.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { buildKpiReport } from './report.ts';
import { scopeOf, teamsFor } from '../teams/scope.ts';
import { parsePeriod } from '../db/periods.ts';

export function kpiRoutes(app: FastifyInstance, db: Db): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/kpis',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['supervisor'],
        summary:
          'KPIs for a period [from, to), overall and grouped by agent, team, segment or week',
        description:
          'Every KPI carries its definition. A supervisor sees their teams only; admins see all.',
        querystring: kpiQuerySchema,
        response: { 200: kpiReportSchema },
      },
    },
    async (request) => {
      const scope = await scopeOf(db, principalOf(request));
      const { groupBy, team, segment } = request.query;
      return buildKpiReport(db, {
        period: parsePeriod(request.query),
        teamIds: await teamsFor(db, scope, team),
        segment,
        groupBy,
      });
    },
  );
}
