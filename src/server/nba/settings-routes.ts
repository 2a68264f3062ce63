import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemSchema } from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { settingsSchema, storedSettingsSchema } from './api-schemas.ts';
import { loadSettings, saveSettings } from './config-store.ts';

export function nbaSettingsRoutes(app: FastifyInstance, db: Db): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/v1/settings/nba',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Next-best-action settings: the control-group share (default 0.05)',
        response: { 200: storedSettingsSchema },
      },
    },
    async () => loadSettings(db),
  );
  typed.put(
    '/v1/settings/nba',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Change the control-group share (versioned, audited)',
        body: settingsSchema,
        response: { 200: storedSettingsSchema, 400: problemSchema },
      },
    },
    async (request) => saveSettings(db, request.body, principalOf(request).agentName),
  );
}
