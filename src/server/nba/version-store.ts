import type { Queryable } from '../db/db.ts';

export const itemKinds = ['treatment', 'rule', 'routing', 'settings'] as const;
export type ItemKind = (typeof itemKinds)[number];

export interface VersionEntry {
  kind: ItemKind;
  id: string;
  version: number;
  change: string;
  changedBy: string;
  changedAt: string;
  ruleSetVersion: string | null;
  definition: unknown;
}

/** The change history of treatments, rules, routing and settings, newest first. */
export async function listVersions(
  db: Queryable,
  filter: { kind?: ItemKind; id?: string; limit: number },
): Promise<VersionEntry[]> {
  const { rows } = await db.query<{
    item_kind: ItemKind;
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
    [filter.kind ?? null, filter.id ?? null, filter.limit],
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
}
