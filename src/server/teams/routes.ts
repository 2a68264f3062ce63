import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { supervisorTeamsRequestSchema } from '../../contract/supervisor.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { replaceSupervisorTeams } from './store.ts';

export function teamRoutes(app: FastifyInstance, db: Db): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.put(
    '/v1/supervisor/teams',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: "Set the teams a supervisor sees (besides their own agents row's team); audited",
        body: supervisorTeamsRequestSchema,
        response: { 200: z.object({ supervisor: z.string(), teams: z.array(z.string()) }) },
      },
    },
    async (request) => {
      const { supervisor, teams } = request.body;
      const actor = principalOf(request).agentName;
      const names = await replaceSupervisorTeams(db, { supervisor, teams, actor });
      return { supervisor, teams: names };
    },
  );
}
