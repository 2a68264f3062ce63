import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/db.ts';

const itemKinds = ['treatment', 'rule', 'routing', 'settings'] as const;

/** `GET /v1/nba/versions`: the change history of treatments, rules, routing and settings. */
export function nbaVersionRoutes(app: FastifyInstance, db: Db): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/nba/versions',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['supervisor'],
        summary: 'Change history of the catalogue, rules, routing and settings, newest first',
        querystring: z.object({
          kind: z.enum(itemKinds).optional(),
          id: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: {
          200: z.array(
            z.object({
              kind: z.enum(itemKinds),
              id: z.string(),
              version: z.int(),
              change: z.string(),
              changedBy: z.string(),
              changedAt: z.string(),
              ruleSetVersion: z.string().nullable(),
              definition: z.unknown(),
            }),
          ),
        },
      },
    },
    async (request) => {
      const { rows } = await db.query<{
        item_kind: (typeof itemKinds)[number];
        item_id: string;
        version: number;
        change: string;
        changed_by: string;
        changed_at: string | Date;
        rule_set_version: string | null;
        definition: unknown;
      }>(
        `SELECT item_kind, item_id, version, change, changed_by, changed_at, rule_set_version,
           definition
         FROM nba_versions
         WHERE ($1::text IS NULL OR item_kind = $1) AND ($2::text IS NULL OR item_id = $2)
         ORDER BY id DESC LIMIT $3`,
        [request.query.kind ?? null, request.query.id ?? null, request.query.limit],
      );
      return rows.map((row) => ({
        kind: row.item_kind,
        id: row.item_id,
        version: Number(row.version),
        change: row.change,
        changedBy: row.changed_by,
        changedAt: new Date(row.changed_at).toISOString(),
        ruleSetVersion: row.rule_set_version,
        definition: row.definition,
      }));
    },
  );
}
