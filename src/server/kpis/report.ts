import {
  kpiNames,
  type KpiName,
  type KpiReport,
  type KpiRow,
  type KpiValue,
} from '../../contract/supervisor.ts';
import type { Queryable } from '../db/db.ts';
import { share, upliftOf, wilsonInterval } from '../db/rates.ts';
import { kpiDefinitions } from './definitions.ts';
import type { PeriodFilter } from '../db/period-filters.ts';
import { shareQueries, uplift, type ShareCounts, type UpliftRow } from './queries.ts';

const empty: KpiValue = { value: null, numerator: 0, denominator: 0, ci95: null };

function shareValue(counts: ShareCounts | undefined): KpiValue {
  if (!counts) return empty;
  return {
    value: share(counts.numerator, counts.denominator),
    numerator: counts.numerator,
    denominator: counts.denominator,
    ci95: wilsonInterval(counts.numerator, counts.denominator),
  };
}

function upliftValue(row: UpliftRow | undefined): KpiValue {
  if (!row) return empty;
  const estimate = upliftOf(row);
  return {
    value: estimate?.value ?? null,
    // Decisions behind it: with suggestions (numerator) and in the control group.
    numerator: row.treatedN,
    denominator: row.treatedN + row.controlN,
    ci95: estimate?.ci95 ?? null,
  };
}

/** Every KPI for one filter, as rows keyed by group (null: one overall row). */
export async function computeKpiRows(db: Queryable, filter: PeriodFilter): Promise<KpiRow[]> {
  const shareNames = kpiNames.filter(
    (name): name is Exclude<KpiName, 'uplift'> => name !== 'uplift',
  );
  const shareResults = await Promise.all(shareNames.map((name) => shareQueries[name](db, filter)));
  const upliftRows = await uplift(db, filter);

  const groups = new Set<string | null>();
  for (const rows of shareResults) for (const row of rows) groups.add(row.group);
  for (const row of upliftRows) groups.add(row.group);
  if (!filter.groupBy) groups.add(null);

  return [...groups]
    .sort((a, b) => (a ?? '').localeCompare(b ?? ''))
    .map((group) => {
      const kpis = {} as Record<KpiName, KpiValue>;
      shareNames.forEach((name, index) => {
        kpis[name] = shareValue(shareResults[index]!.find((row) => row.group === group));
      });
      kpis.uplift = upliftValue(upliftRows.find((row) => row.group === group));
      return { group, kpis };
    });
}

export async function buildKpiReport(db: Queryable, filter: PeriodFilter): Promise<KpiReport> {
  const overall = (await computeKpiRows(db, { ...filter, groupBy: undefined }))[0]!;
  const rows = filter.groupBy ? await computeKpiRows(db, filter) : [];
  return {
    from: filter.period.from.toISOString(),
    to: filter.period.to.toISOString(),
    groupBy: filter.groupBy ?? null,
    definitions: kpiDefinitions,
    overall,
    rows,
  };
}
