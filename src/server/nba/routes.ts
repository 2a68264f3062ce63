import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/db.ts';
import { ruleRoutes } from './rule-routes.ts';
import { nbaSettingsRoutes } from './settings-routes.ts';
import { treatmentRoutes } from './treatment-routes.ts';
import { nbaVersionRoutes } from './version-routes.ts';

/** The next-best-action catalogue: treatments, rules, settings and their change history. */
export function nbaRoutes(app: FastifyInstance, db: Db): void {
  treatmentRoutes(app, db);
  ruleRoutes(app, db);
  nbaSettingsRoutes(app, db);
  nbaVersionRoutes(app, db);
}
