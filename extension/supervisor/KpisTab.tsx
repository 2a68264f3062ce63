import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  kpiNames,
  kpiReportSchema,
  type KpiGrouping,
  type KpiName,
  type KpiReport,
  type KpiRow,
} from '../../src/contract/supervisor.ts';
import type { SupervisorClient } from './api.ts';
import { DataTable, type Column } from './DataTable.tsx';
import { interval, percent, points } from './format.ts';
import { useFilters } from './hooks.ts';
import { useWorkspaceUi, type Drill } from './ui-store.ts';

const trendKpis: KpiName[] = ['csat', 'firstContactResolution', 'repeatContactRate', 'offerRate'];
const colours = [
  '#2563eb',
  '#16a34a',
  '#dc2626',
  '#9333ea',
  '#ea580c',
  '#0891b2',
  '#4d7c0f',
  '#be185d',
];

/** Order of preference when KPIs tie on how many groups they have a value for. */
const compareOrder: KpiName[] = [
  'offerRate',
  ...kpiNames.filter((name) => name !== 'offerRate' && name !== 'uplift'),
  'uplift',
];

/** The KPI that compares the most groups (null when no group has any value). */
export function kpiToCompare(rows: KpiRow[]): KpiName | null {
  let best: { name: KpiName; groups: number } | null = null;
  for (const name of compareOrder) {
    const groups = rows.filter((row) => row.kpis[name].value !== null).length;
    if (groups > 0 && (!best || groups > best.groups)) best = { name, groups };
  }
  return best?.name ?? null;
}

const show = (name: KpiName, value: number | null) =>
  name === 'uplift' ? points(value) : percent(value);

function useKpis(client: SupervisorClient, groupBy: KpiGrouping | undefined) {
  const filters = useFilters();
  return useQuery({
    queryKey: ['kpis', filters, groupBy ?? null],
    queryFn: () => client.get(kpiReportSchema, '/v1/kpis', { ...filters, groupBy }),
  });
}

function KpiCards({ report }: { report: KpiReport }) {
  return (
    <ul className="kpi-cards" aria-label="KPIs">
      {kpiNames.map((name) => {
        const kpi = report.overall.kpis[name];
        const definition = report.definitions[name];
        return (
          <li key={name} title={definition.definition} data-kpi={name}>
            <span className="kpi-label">{definition.label}</span>
            <span className="kpi-value">{show(name, kpi.value)}</span>
            <span className="kpi-detail">
              {name === 'uplift'
                ? `${kpi.numerator} with suggestions, ${kpi.denominator - kpi.numerator} control`
                : `${kpi.numerator} of ${kpi.denominator}`}
              {kpi.ci95
                ? ` · 95% ${name === 'uplift' ? `${points(kpi.ci95[0])} – ${points(kpi.ci95[1])}` : interval(kpi.ci95)}`
                : ''}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function chartRows(rows: KpiRow[], names: KpiName[]) {
  return rows.map((row) => {
    const point: Record<string, string | number | null> = { group: row.group ?? '(none)' };
    for (const name of names) {
      const value = row.kpis[name].value;
      point[name] = value === null ? null : Math.round(value * 1000) / 10;
    }
    return point;
  });
}

function drillFor(groupBy: KpiGrouping, group: string | null): Drill {
  if (groupBy === 'week' && group) {
    const start = new Date(`${group}T00:00:00Z`);
    const end = new Date(start.getTime() + 7 * 86_400_000);
    return { title: `week of ${group}`, from: group, to: end.toISOString().slice(0, 10) };
  }
  return { title: `${groupBy} ${group ?? '(none)'}`, [groupBy]: group ?? undefined };
}

export function KpisTab({ client }: { client: SupervisorClient }) {
  const [compareBy, setCompareBy] = useState<'agent' | 'segment' | 'team' | 'channel'>('agent');
  // null until the supervisor picks one; until then Compare follows the data.
  const [pickedKpi, setPickedKpi] = useState<KpiName | null>(null);
  const setDrill = useWorkspaceUi((s) => s.setDrill);
  const overall = useKpis(client, undefined);
  const weekly = useKpis(client, 'week');
  const compared = useKpis(client, compareBy);
  const error = overall.error ?? weekly.error ?? compared.error;
  if (error) return <p role="alert">{error.message}</p>;
  if (!overall.data) return <p>Loading…</p>;
  const definitions = overall.data.definitions;
  const comparedRows = compared.data?.rows ?? [];
  const compareKpi = pickedKpi ?? kpiToCompare(comparedRows) ?? 'offerRate';
  const hasData = (name: KpiName) => comparedRows.some((row) => row.kpis[name].value !== null);

  const columns: Column<KpiRow>[] = [
    {
      key: 'group',
      label: compareBy,
      // A decision outside any call or chat has no channel: it was made on a record page.
      value: (r) => (compareBy === 'channel' ? (r.group ?? 'record page') : r.group),
      // The decisions drill-down filters by agent, team or segment; a channel is no such filter.
      onCellClick:
        compareBy === 'channel'
          ? undefined
          : (r, target) => setDrill(drillFor(compareBy, r.group), target),
    },
    ...kpiNames.map((name): Column<KpiRow> => ({
      key: name,
      label: definitions[name].label,
      title: definitions[name].definition,
      numeric: true,
      value: (r) => r.kpis[name].value,
      render: (r) => (
        <span title={`${r.kpis[name].numerator} of ${r.kpis[name].denominator}`}>
          {show(name, r.kpis[name].value)} <small>n={r.kpis[name].denominator}</small>
        </span>
      ),
    })),
    ...kpiNames.map((name): Column<KpiRow> => ({
      key: `${name}-n`,
      label: `${definitions[name].label} n`,
      csvOnly: true,
      value: (r) => r.kpis[name].denominator,
    })),
  ];

  return (
    <>
      <KpiCards report={overall.data} />
      <div className="charts" data-testid="kpi-charts">
        <figure>
          <figcaption>Trend over weeks (%)</figcaption>
          <ResponsiveContainer width="100%" height={260}>
            <LineChart data={chartRows(weekly.data?.rows ?? [], trendKpis)}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="group" />
              <YAxis domain={[0, 100]} />
              <Tooltip />
              <Legend />
              {trendKpis.map((name, index) => (
                <Line
                  key={name}
                  type="monotone"
                  dataKey={name}
                  name={definitions[name].label}
                  stroke={colours[index]}
                  connectNulls
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </figure>
        <figure>
          <figcaption>
            <label>
              Compare{' '}
              <select value={compareKpi} onChange={(e) => setPickedKpi(e.target.value as KpiName)}>
                {kpiNames.map((name) => (
                  <option key={name} value={name}>
                    {definitions[name].label}
                    {compared.data && !hasData(name) ? ' (no data)' : ''}
                  </option>
                ))}
              </select>
            </label>{' '}
            <label>
              across{' '}
              <select
                value={compareBy}
                onChange={(e) => setCompareBy(e.target.value as typeof compareBy)}
              >
                <option value="agent">agents</option>
                <option value="segment">segments</option>
                <option value="team">teams</option>
                <option value="channel">channels (phone, chat)</option>
              </select>
            </label>
          </figcaption>
          {/* Groups down the side, one row each, so every name has room for its label. */}
          <ResponsiveContainer width="100%" height={Math.max(160, 40 + 28 * comparedRows.length)}>
            <BarChart
              data={chartRows(comparedRows, [compareKpi])}
              layout="vertical"
              margin={{ left: 8, right: 16 }}
            >
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis
                type="number"
                domain={
                  compareKpi === 'uplift'
                    ? ['auto', 'auto']
                    : [0, (dataMax: number) => Math.max(100, dataMax)]
                }
              />
              <YAxis type="category" dataKey="group" width={140} interval={0} />
              <Tooltip />
              <Bar
                dataKey={compareKpi}
                name={`${definitions[compareKpi].label} (%)`}
                fill="#2563eb"
                isAnimationActive={false}
              />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      </div>
      {compared.data ? (
        <DataTable
          caption={
            compareBy === 'channel'
              ? 'KPIs by channel (contacts by their channel, decisions by the call or chat they were made in)'
              : `KPIs by ${compareBy} (click a name for the decisions behind it)`
          }
          csvName={`kpis-by-${compareBy}`}
          columns={columns}
          rows={compared.data.rows}
          rowKey={(r) => r.group ?? '(none)'}
        />
      ) : (
        <p>Loading KPIs by {compareBy}…</p>
      )}
      {weekly.data ? (
        <DataTable
          caption="KPIs by week"
          csvName="kpis-by-week"
          columns={columns.map((c, i) =>
            i === 0
              ? {
                  ...c,
                  label: 'week',
                  onCellClick: (r: KpiRow, target: HTMLElement) =>
                    setDrill(drillFor('week', r.group), target),
                }
              : c,
          )}
          rows={weekly.data.rows}
          rowKey={(r) => r.group ?? '(none)'}
        />
      ) : (
        <p>Loading KPIs by week…</p>
      )}
    </>
  );
}
