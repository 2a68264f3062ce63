import {
  canonicalJson,
  routingConfigVersion,
  validateRoutingConfig,
  type RoutingConfig,
} from '../../nba/index.ts';
import { audit } from '../audit/store.ts';
import type { Db, Queryable } from '../db/db.ts';
import type { StoredMeta } from './catalogue-store.ts';
import { invalidCatalogue } from './problems.ts';

/** Until an admin saves routing rules, everyone routes to the general queue and says why. */
const unconfiguredRouting: RoutingConfig = {
  rules: [],
  fallback: {
    priority: 'normal',
    skill: 'general',
    reason: 'No routing rules are configured yet',
  },
};

export type StoredRouting = RoutingConfig & StoredMeta & { configVersion: string };

type MetaRow = { version: number; updated_at: string | Date; updated_by: string };
const metaOf = (row: MetaRow): StoredMeta => ({
  version: Number(row.version),
  updatedAt: new Date(row.updated_at).toISOString(),
  updatedBy: row.updated_by,
});

export async function loadRouting(db: Queryable): Promise<StoredRouting> {
  const { rows } = await db.query<{ definition: RoutingConfig; config_version: string } & MetaRow>(
    'SELECT definition, config_version, version, updated_at, updated_by FROM routing_config WHERE id = 1',
  );
  const row = rows[0];
  if (!row) {
    return {
      ...unconfiguredRouting,
      configVersion: routingConfigVersion(unconfiguredRouting),
      version: 0,
      updatedAt: new Date(0).toISOString(),
      updatedBy: 'system',
    };
  }
  return { ...row.definition, configVersion: row.config_version, ...metaOf(row) };
}

/** Validates and stores the whole routing config (order matters: first match wins), versioned. */
export async function saveRouting(db: Db, raw: unknown, actor: string): Promise<StoredRouting> {
  const validated = validateRoutingConfig(raw);
  if (!validated.ok) throw invalidCatalogue(validated.issues);
  const config = validated.value;
  const configVersion = routingConfigVersion(config);
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ definition: RoutingConfig }>(
      'SELECT definition FROM routing_config WHERE id = 1 FOR UPDATE',
    );
    if (rows[0] && canonicalJson(rows[0].definition) === canonicalJson(config)) return;
    const saved = await tx.query<{ version: number }>(
      `INSERT INTO routing_config (id, definition, version, config_version, updated_by)
       VALUES (1, $1, 1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET definition = excluded.definition,
         version = routing_config.version + 1, config_version = excluded.config_version,
         updated_by = excluded.updated_by, updated_at = now()
       RETURNING version`,
      [JSON.stringify(config), configVersion, actor],
    );
    const version = Number(saved.rows[0]!.version);
    await tx.query(
      `INSERT INTO nba_versions (item_kind, item_id, version, definition, change, changed_by)
       VALUES ('routing', 'routing', $1, $2, 'update', $3)`,
      [version, JSON.stringify(config), actor],
    );
    await audit(tx, {
      actor,
      action: 'routing.update',
      target: 'routing',
      details: { version, configVersion, rules: config.rules.length },
    });
  });
  return loadRouting(db);
}

export interface NbaSettings {
  /** Share of decisions held out as the control group, 0..1. */
  controlShare: number;
}
export type StoredSettings = NbaSettings & StoredMeta;

export async function loadSettings(db: Queryable): Promise<StoredSettings> {
  const { rows } = await db.query<{ control_share: number } & MetaRow>(
    'SELECT control_share, version, updated_at, updated_by FROM nba_settings WHERE id = 1',
  );
  const row = rows[0]!;
  return { controlShare: Number(row.control_share), ...metaOf(row) };
}

export async function saveSettings(
  db: Db,
  settings: NbaSettings,
  actor: string,
): Promise<StoredSettings> {
  await db.transaction(async (tx) => {
    const saved = await tx.query<{ version: number }>(
      `UPDATE nba_settings SET control_share = $1, version = version + 1, updated_by = $2,
         updated_at = now() WHERE id = 1 RETURNING version`,
      [settings.controlShare, actor],
    );
    const version = Number(saved.rows[0]!.version);
    await tx.query(
      `INSERT INTO nba_versions (item_kind, item_id, version, definition, change, changed_by)
       VALUES ('settings', 'nba', $1, $2, 'update', $3)`,
      [version, JSON.stringify(settings), actor],
    );
    await audit(tx, {
      actor,
      action: 'settings.nba.update',
      target: 'nba',
      details: { version, ...settings },
    });
  });
  return loadSettings(db);
}
