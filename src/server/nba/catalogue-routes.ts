import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../contract/index.ts';
import type { RuleSet } from '../../nba/index.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { idParamsSchema, itemBodySchema } from './api-schemas.ts';
import {
  changeCatalogue,
  loadCatalogue,
  notFound,
  replaceById,
  withPathId,
  type StoredCatalogue,
} from './catalogue-store.ts';

/** The catalogue's two lists, each edited item by item through the same three routes. */
type ListName = 'treatments' | 'rules';
type Item<L extends ListName> = RuleSet[L][number];
type StoredItem = StoredCatalogue[ListName][number];

export interface CatalogueList<L extends ListName, Patch> {
  list: L;
  /** How the item is named in problems and in the change log. */
  kind: 'treatment' | 'rule';
  storedSchema: z.ZodType<StoredCatalogue[L][number]>;
  patchSchema: z.ZodType<Patch>;
  /** The item after a PATCH body; its values are validated with the whole rule set after. */
  patched: (existing: Item<L>, patch: Patch) => Record<string, unknown>;
  docs: {
    list: { summary: string };
    patch: { summary: string; description?: string };
    put: { summary: string; description: string };
  };
}

/**
 * GET /v1/<list> (supervisor), PATCH /v1/<list>/:id (supervisor) and PUT /v1/<list>/:id (admin)
 * for one of the catalogue's lists. Every change is one versioned catalogue change; the answer
 * is the item as stored.
 */
export function catalogueRoutes<L extends ListName, Patch>(
  app: FastifyInstance,
  db: Db,
  catalogue: CatalogueList<L, Patch>,
): void {
  const { list, kind } = catalogue;
  // The routes are typed by what any list stores; `catalogue` ties each list to its own types.
  const storedSchema: z.ZodType<StoredItem> = catalogue.storedSchema;
  const patchSchema: z.ZodType = catalogue.patchSchema;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: problemSchema, 404: problemSchema, 422: problemSchema };
  const itemsOf = (ruleSet: RuleSet): readonly Item<L>[] => ruleSet[list];

  async function storedItem(id: string): Promise<StoredItem> {
    const found = (await loadCatalogue(db))[list].find((item) => item.id === id);
    if (!found) throw notFound(kind, id);
    return found;
  }

  typed.get(
    `/v1/${list}`,
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['supervisor'],
        ...catalogue.docs.list,
        response: { 200: z.array(storedSchema) },
      },
    },
    async () => (await loadCatalogue(db))[list],
  );

  typed.patch(
    `/v1/${list}/:id`,
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['supervisor'],
        ...catalogue.docs.patch,
        params: idParamsSchema,
        body: patchSchema,
        response: { 200: storedSchema, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      await changeCatalogue(db, principalOf(request).agentName, (current) => {
        const existing = itemsOf(current).find((item) => item.id === id);
        if (!existing) throw notFound(kind, id);
        const changed = catalogue.patched(existing, request.body as Patch);
        return {
          ruleSet: {
            ...current,
            [list]: replaceById<{ id?: unknown }>(itemsOf(current), id, changed),
          },
          changes: [{ kind, id, change: 'patch' }],
        };
      });
      return storedItem(id);
    },
  );

  typed.put(
    `/v1/${list}/:id`,
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        ...catalogue.docs.put,
        params: idParamsSchema,
        body: itemBodySchema,
        response: { 200: storedSchema, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const item = withPathId(kind, id, request.body) as { id: string };
      await changeCatalogue(db, principalOf(request).agentName, (current) => {
        const exists = itemsOf(current).some((existing) => existing.id === id);
        return {
          ruleSet: {
            ...current,
            [list]: replaceById<{ id?: unknown }>(itemsOf(current), id, item),
          },
          changes: [{ kind, id, change: exists ? 'update' : 'create' }],
        };
      });
      return storedItem(id);
    },
  );
}
