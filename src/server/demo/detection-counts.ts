import type { DetectionReportRow, DetectionResult } from '../../contract/detection-health.ts';
import type { Queryable } from '../db/db.ts';
import { seededRng } from '../../nba/index.ts';
import { Draw } from './prng.ts';
import { addDetectionCounts } from '../detection-health/store.ts';

const dayMs = 86_400_000;

interface DemoPage {
  crm: string;
  pageKind: string;
  /** Visits per agent and day. */
  visits: number;
  results: readonly (readonly [DetectionResult, number])[];
  /** From this many days before the seed's end, the page's results change (a CRM UI change). */
  changedDaysAgo?: number;
  changedResults?: readonly (readonly [DetectionResult, number])[];
}

/**
 * What the demo's agents browse: the bundled demo CRM, Zendesk and Salesforce. Salesforce case
 * pages stopped showing their contact a week ago (their API answer still names it, the markup
 * no longer does): the one page kind whose miss rate stands out.
 */
const pagesByTeam: Record<string, readonly DemoPage[]> = {
  demo: [
    {
      crm: 'demo',
      pageKind: 'ticket',
      visits: 10,
      results: [
        ['page', 97],
        ['missed', 3],
      ],
    },
    {
      crm: 'demo',
      pageKind: 'customer',
      visits: 5,
      results: [
        ['url', 99],
        ['missed', 1],
      ],
    },
  ],
  zendesk: [
    {
      crm: 'zendesk',
      pageKind: 'ticket',
      visits: 8,
      results: [
        ['api', 88],
        ['page', 9],
        ['missed', 3],
      ],
    },
  ],
  salesforce: [
    {
      crm: 'salesforce',
      pageKind: 'case',
      visits: 6,
      results: [
        ['api', 55],
        ['page', 40],
        ['missed', 5],
      ],
      changedDaysAgo: 7,
      changedResults: [
        ['api', 55],
        ['missed', 45],
      ],
    },
    {
      crm: 'salesforce',
      pageKind: 'contact',
      visits: 3,
      results: [
        ['url', 96],
        ['missed', 4],
      ],
    },
  ],
};

const crmsByTeam: Record<string, readonly string[]> = {
  Support: ['demo', 'zendesk'],
  Retention: ['demo', 'salesforce'],
  Sales: ['salesforce', 'demo'],
};

/**
 * Seeds 30 days of detection counts up to `asOf` for the demo agents, so the workspace's
 * Detection tab has something to show at first start. Deterministic for a seed.
 */
export async function seedDemoDetectionCounts(
  tx: Queryable,
  options: { agents: readonly { name: string; team: string }[]; asOf: Date; seed: number },
): Promise<number> {
  const draw = new Draw(seededRng(options.seed));
  const lastDay = Math.floor(options.asOf.getTime() / dayMs) * dayMs;
  let rows = 0;
  for (let daysAgo = 29; daysAgo >= 0; daysAgo -= 1) {
    const dayStart = lastDay - daysAgo * dayMs;
    const day = new Date(dayStart).toISOString().slice(0, 10);
    // Reported in the afternoon of that day, never after the seed's end.
    const reportedAt = new Date(Math.min(dayStart + 17 * 3_600_000, options.asOf.getTime()));
    for (const agent of options.agents) {
      const counts = new Map<string, DetectionReportRow>();
      for (const crm of crmsByTeam[agent.team] ?? ['demo']) {
        for (const page of pagesByTeam[crm] ?? []) {
          const results =
            page.changedDaysAgo !== undefined &&
            page.changedResults &&
            daysAgo < page.changedDaysAgo
              ? page.changedResults
              : page.results;
          const visits = draw.poisson(page.visits);
          for (let visit = 0; visit < visits; visit += 1) {
            const result = draw.weighted(results);
            const key = `${page.crm}|${page.pageKind}|${result}`;
            const row = counts.get(key);
            if (row) row.count += 1;
            else counts.set(key, { crm: page.crm, pageKind: page.pageKind, day, result, count: 1 });
          }
        }
      }
      if (counts.size === 0) continue;
      await addDetectionCounts(tx, agent.name, reportedAt, [...counts.values()]);
      rows += counts.size;
    }
  }
  return rows;
}
