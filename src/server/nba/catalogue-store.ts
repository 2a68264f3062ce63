import {
  canonicalJson,
  compileRuleSet,
  makeIssue,
  validateRuleSet,
  type EligibilityRule,
  type RuleSet,
  type Treatment,
} from '../../nba/index.ts';
import { audit } from '../audit/store.ts';
import type { Db, Queryable } from '../db/db.ts';
import { NotFoundError } from '../errors.ts';
import { invalidCatalogue } from './problems.ts';

/** Who changed an item last and which version it is at; returned beside the item's JSON. */
export interface StoredMeta {
  version: number;
  updatedAt: string;
  updatedBy: string;
}
type StoredTreatment = Treatment & StoredMeta;
type StoredRule = EligibilityRule & StoredMeta;

export interface StoredCatalogue {
  revision: string;
  ruleSetVersion: string | null;
  treatments: StoredTreatment[];
  rules: StoredRule[];
}

type MetaRow = { version: number; updated_at: string | Date; updated_by: string };
const metaOf = (row: MetaRow): StoredMeta => ({
  version: Number(row.version),
  updatedAt: new Date(row.updated_at).toISOString(),
  updatedBy: row.updated_by,
});

/** The whole catalogue in one statement, so revision, treatments and rules agree. */
export async function loadCatalogue(db: Queryable): Promise<StoredCatalogue> {
  const { rows } = await db.query<{
    revision: string;
    rule_set_version: string | null;
    treatments: ({ definition: Treatment } & MetaRow)[];
    rules: ({ definition: EligibilityRule } & MetaRow)[];
  }>(
    `SELECT s.revision::text AS revision, s.rule_set_version,
       (SELECT COALESCE(json_agg(json_build_object('definition', t.definition, 'version', t.version,
          'updated_at', t.updated_at, 'updated_by', t.updated_by) ORDER BY t.key), '[]'::json)
        FROM treatments t WHERE t.definition IS NOT NULL) AS treatments,
       (SELECT COALESCE(json_agg(json_build_object('definition', r.definition, 'version', r.version,
          'updated_at', r.updated_at, 'updated_by', r.updated_by) ORDER BY r.position, r.id), '[]'::json)
        FROM eligibility_rules r) AS rules
     FROM nba_catalogue_state s WHERE s.id = 1`,
  );
  const row = rows[0]!;
  return {
    revision: row.revision,
    ruleSetVersion: row.rule_set_version,
    treatments: row.treatments.map((t) => ({ ...t.definition, ...metaOf(t) })),
    rules: row.rules.map((r) => ({ ...r.definition, ...metaOf(r) })),
  };
}

const stripMeta = <T extends StoredMeta>(item: T): Omit<T, keyof StoredMeta> => {
  const { version: _v, updatedAt: _a, updatedBy: _b, ...rest } = item;
  return rest;
};

export interface CatalogueChange {
  kind: 'treatment' | 'rule';
  id: string;
  change: string;
}

/**
 * Applies one change to the catalogue under a row lock: the changed catalogue is validated as a
 * whole (so a rule naming an unknown treatment is refused), changed items get a new version row
 * and an audit entry, and the catalogue revision and content hash move on. Unchanged items
 * (same JSON) are not re-versioned.
 */
export async function changeCatalogue(
  db: Db,
  actor: string,
  edit: (current: RuleSet) => {
    ruleSet: { treatments: unknown[]; rules: unknown[] };
    changes: CatalogueChange[];
  },
): Promise<{ ruleSetVersion: string; changed: CatalogueChange[] }> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT revision FROM nba_catalogue_state WHERE id = 1 FOR UPDATE');
    const current = await loadCatalogue(tx);
    const before: RuleSet = {
      treatments: current.treatments.map(stripMeta),
      rules: current.rules.map(stripMeta),
    };
    const { ruleSet, changes } = edit(before);
    const validated = validateRuleSet(ruleSet);
    if (!validated.ok) throw invalidCatalogue(validated.issues);
    const next = validated.value;
    const version = compileRuleSet(next).version;

    const oldTreatments = new Map(before.treatments.map((t) => [t.id, canonicalJson(t)]));
    const oldRules = new Map(before.rules.map((r) => [r.id, canonicalJson(r)]));
    const changed = changes.filter((c) => {
      const item =
        c.kind === 'treatment'
          ? next.treatments.find((t) => t.id === c.id)
          : next.rules.find((r) => r.id === c.id);
      const old = (c.kind === 'treatment' ? oldTreatments : oldRules).get(c.id);
      return item !== undefined && old !== canonicalJson(item);
    });
    if (changed.length === 0) return { ruleSetVersion: version, changed };

    for (const c of changed) {
      let itemVersion: number;
      let definition: Treatment | EligibilityRule;
      if (c.kind === 'treatment') {
        const treatment = next.treatments.find((t) => t.id === c.id)!;
        definition = treatment;
        itemVersion = await writeTreatment(tx, treatment, actor);
      } else {
        const rule = next.rules.find((r) => r.id === c.id)!;
        definition = rule;
        itemVersion = await writeRule(tx, rule, actor);
      }
      await tx.query(
        `INSERT INTO nba_versions (item_kind, item_id, version, definition, change, changed_by, rule_set_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [c.kind, c.id, itemVersion, JSON.stringify(definition), c.change, actor, version],
      );
      await audit(tx, {
        actor,
        action: `${c.kind}.${c.change}`,
        target: c.id,
        details: { version: itemVersion, ruleSetVersion: version, definition },
      });
    }
    await tx.query(
      `UPDATE nba_catalogue_state SET revision = revision + 1, rule_set_version = $1, updated_at = now()
       WHERE id = 1`,
      [version],
    );
    return { ruleSetVersion: version, changed };
  });
}

async function writeTreatment(tx: Queryable, t: Treatment, actor: string): Promise<number> {
  const { rows } = await tx.query<{ version: number }>(
    `INSERT INTO treatments (key, name, kind, script, business_value, lever, active, cooldown_days,
       max_per_30_days, prior_propensity, prior_weight, definition, version, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13)
     ON CONFLICT (key) DO UPDATE SET name = excluded.name, kind = excluded.kind,
       script = excluded.script, business_value = excluded.business_value, lever = excluded.lever,
       active = excluded.active, cooldown_days = excluded.cooldown_days,
       max_per_30_days = excluded.max_per_30_days, prior_propensity = excluded.prior_propensity,
       prior_weight = excluded.prior_weight, definition = excluded.definition,
       version = CASE WHEN treatments.definition IS NULL THEN 1 ELSE treatments.version + 1 END,
       updated_by = excluded.updated_by, updated_at = now()
     RETURNING version`,
    [
      t.id,
      t.name,
      t.kind,
      t.script,
      t.businessValue,
      t.lever,
      t.active,
      t.cooldownDays,
      t.maxContactsPer30Days,
      t.prior.propensity,
      t.prior.evidenceWeight,
      JSON.stringify(t),
      actor,
    ],
  );
  return Number(rows[0]!.version);
}

async function writeRule(tx: Queryable, r: EligibilityRule, actor: string): Promise<number> {
  const { rows } = await tx.query<{ version: number }>(
    `INSERT INTO eligibility_rules (id, treatment_key, position, active, definition, version, updated_by)
     VALUES ($1, $2, (SELECT COALESCE(max(position), 0) + 1 FROM eligibility_rules), $3, $4, 1, $5)
     ON CONFLICT (id) DO UPDATE SET treatment_key = excluded.treatment_key,
       active = excluded.active, definition = excluded.definition,
       version = eligibility_rules.version + 1, updated_by = excluded.updated_by, updated_at = now()
     RETURNING version`,
    [r.id, r.treatmentId, r.active, JSON.stringify(r), actor],
  );
  return Number(rows[0]!.version);
}

/** A path id and a body id must agree; a body without an id takes the path's. */
export function withPathId(kind: 'treatment' | 'rule', pathId: string, body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidCatalogue([makeIssue(kind, { id: pathId, name: null }, '', 'send a JSON object')]);
  }
  const record = body as Record<string, unknown>;
  if (record.id !== undefined && record.id !== pathId) {
    throw invalidCatalogue([
      makeIssue(
        kind,
        { id: pathId, name: typeof record.name === 'string' ? record.name : null },
        'id',
        `the body says "${String(record.id)}" but the URL says "${pathId}"`,
      ),
    ]);
  }
  return { ...record, id: pathId };
}

/** Replaces (or adds) one item in a list by id, keeping the list's order. */
export function replaceById<T extends { id?: unknown }>(
  items: readonly T[],
  id: string,
  item: T,
): T[] {
  const index = items.findIndex((existing) => existing.id === id);
  return index < 0 ? [...items, item] : items.map((existing, i) => (i === index ? item : existing));
}

export function notFound(kind: 'treatment' | 'rule', id: string): NotFoundError {
  return new NotFoundError(`Unknown ${kind}`, `No ${kind} has id "${id}".`);
}
