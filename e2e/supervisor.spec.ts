import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Backend, freePort } from './support/backend.ts';
import {
  buildExtensionForTests,
  configureThroughOptions,
  launchWithExtension,
  type LoadedExtension,
} from './support/extension.ts';

/*
 * A supervisor opens the workspace, filters, drills into a cell, disables a treatment, and the
 * next insights request no longer suggests it. The backend runs with the demo data and
 * catalogue; a demo CSR (Grace Hopper, team Support) asks for insights and records outcomes
 * first, so the review has decisions behind it.
 */
let backend: Backend;
let ext: LoadedExtension;
let csrToken: string;
let adminToken: string;
let supervisorToken: string;

const csr = 'Grace Hopper';

async function api(
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${backend.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(method === 'POST' && path === '/v1/outcomes'
        ? { 'idempotency-key': crypto.randomUUID() }
        : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

interface InsightsBody {
  decision: { id: string };
  nextBestActions: { treatmentId: string }[];
}
const insightsFor = async (customerId: string) => {
  const { status, body } = await api(
    'GET',
    `/v1/insights?crm=demo&type=customer&id=${customerId}`,
    csrToken,
  );
  return { status, body: body as InsightsBody };
};
const suggestedTo = async (customerId: string) =>
  (await insightsFor(customerId)).body.nextBestActions.map((a) => a.treatmentId);
const demoCustomer = (i: number) => `CUST-${String(i).padStart(4, '0')}`;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const dist = buildExtensionForTests();
  backend = new Backend(await freePort());
  await backend.start({ seedDemo: true });
  const serverInfo = JSON.parse(
    readFileSync(join(backend.dataDir, 'data', 'server.json'), 'utf8'),
  ) as { cliToken: string; url: string };
  expect(serverInfo.url).toBe(backend.url);
  adminToken = serverInfo.cliToken;
  expect((await api('GET', '/v1/whoami', adminToken)).body).toMatchObject({ role: 'admin' });
  const tokenFor = async (role: string, name: string) =>
    ((await api('POST', '/v1/tokens', adminToken, { role, name })).body as { token: string }).token;
  csrToken = await tokenFor('csr', csr);
  supervisorToken = await tokenFor('supervisor', 'e2e-lead');
  // The supervisor leads Support and Retention (PUT /v1/supervisor/teams, admin).
  const teams = await api('PUT', '/v1/supervisor/teams', adminToken, {
    supervisor: 'e2e-lead',
    teams: ['Support', 'Retention'],
  });
  expect(teams, JSON.stringify(teams.body)).toMatchObject({ status: 200 });
  // No control group for this test, so every decision shows its suggestions.
  await api('PUT', '/v1/settings/nba', adminToken, { controlShare: 0 });

  // The CSR works through some customers: offers the first action, the customer declines.
  for (let i = 1; i <= 40; i += 1) {
    const id = demoCustomer(i);
    const { status, body } = await insightsFor(id);
    if (status !== 200 || body.nextBestActions.length === 0) continue;
    await api('POST', '/v1/outcomes', csrToken, {
      decisionId: body.decision.id,
      treatmentId: body.nextBestActions[0]!.treatmentId,
      result: 'declined',
      reason: 'too_expensive',
      note: `e2e note for ${id}`,
      occurredAt: new Date().toISOString(),
    });
  }
  ext = await launchWithExtension(dist);
  await configureThroughOptions(ext, { backendUrl: backend.url, token: supervisorToken, crms: [] });
});

test.afterAll(async () => {
  await ext?.close();
  await backend?.dispose();
});

test('a supervisor reviews, filters, drills in, turns a treatment off, and sees KPI charts', async () => {
  test.setTimeout(180_000);
  const testInfo = test.info();
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.id}/extension/supervisor/index.html`);
  await expect(page.getByText('e2e-lead · Retention, Support')).toBeVisible();

  // Filter: the Support team, last 30 days.
  await page.getByLabel('Period preset').selectOption('30');
  await page.getByLabel('Team').selectOption('Support');
  const review = page.getByRole('table', { name: 'Suggested treatments' });
  const firstRow = review.locator('tbody tr').first();
  await expect(firstRow).toBeVisible();

  // Sort by times suggested (descending) and pick the most suggested treatment.
  await review.getByRole('button', { name: /^Suggested/ }).click();
  await review.getByRole('button', { name: /^Suggested/ }).click();
  const treatmentName = (await firstRow.locator('td').first().innerText()).trim();
  const suggested = Number((await firstRow.locator('td').nth(2).innerText()).trim());
  expect(suggested).toBeGreaterThan(0);

  // Drill into the "Suggested" cell: the decisions behind it, in a drawer beside the row.
  const suggestedCell = firstRow.locator('td').nth(2).getByRole('button');
  await suggestedCell.click();
  const drill = page.getByRole('dialog', { name: new RegExp(`Behind: ${treatmentName}`) });
  await expect(drill.getByRole('table')).toBeVisible();
  await expect(drill.locator('tbody tr')).toHaveCount(suggested);
  await expect(drill.locator('tbody tr').first()).toContainText(csr);
  await expect(drill).toBeFocused();
  await expect(suggestedCell).toBeInViewport();
  // Whole on screen: it scrolls inside rather than run past the window's bottom edge.
  await expect(drill).toBeInViewport({ ratio: 1 });
  const rowBox = (await firstRow.boundingBox())!;
  const drillBox = (await drill.boundingBox())!;
  const cellBox = (await suggestedCell.boundingBox())!;
  expect(Math.abs(drillBox.y - rowBox.y)).toBeLessThan(4);
  expect(drillBox.x).toBeGreaterThan(cellBox.x + cellBox.width);
  await page.screenshot({ path: testInfo.outputPath('drill-drawer.png') });
  await page.keyboard.press('Escape');
  await expect(drill).toBeHidden();
  await expect(suggestedCell).toBeFocused();

  // A customer the treatment is suggested to right now (declined ones may be in cooldown).
  const catalogue = (await api('GET', '/v1/treatments', supervisorToken)).body as {
    id: string;
    name: string;
  }[];
  const treatmentId = catalogue.find((t) => t.name === treatmentName)!.id;
  let customerId: string | null = null;
  for (let i = 41; i <= 400 && customerId === null; i += 1) {
    if ((await suggestedTo(demoCustomer(i))).includes(treatmentId)) customerId = demoCustomer(i);
  }
  expect(customerId, `a demo customer offered ${treatmentId}`).not.toBeNull();

  // Turn it off in the workspace.
  const toggle = review.getByRole('checkbox', { name: `${treatmentName} active` });
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await expect(toggle).not.toBeChecked();

  // The next insights request no longer suggests it.
  await expect.poll(() => suggestedTo(customerId!)).not.toContain(treatmentId);
  const catalogueAfter = (await api('GET', '/v1/treatments', supervisorToken)).body as {
    id: string;
    active: boolean;
  }[];
  expect(catalogueAfter.find((t) => t.id === treatmentId)!.active).toBe(false);

  // Notes the CSR sent are searchable.
  await page.getByRole('tab', { name: 'Notes' }).click();
  await page.getByLabel(/Search notes/).fill('e2e note for CUST-');
  const notes = page.getByRole('table', { name: /Notes CSRs sent/ });
  await expect(notes.locator('tbody tr').first()).toContainText('e2e note for CUST-');

  // KPIs: numbers with their definition on hover, and the charts as an artifact.
  await page.getByRole('tab', { name: 'KPIs' }).click();
  const csat = page.locator('[data-kpi="csat"]');
  await expect(csat).toHaveAttribute('title', /rated 4 or 5/);
  // Wait for both charts' data: the tables under them list agents and weeks.
  await expect(
    page.getByRole('table', { name: /KPIs by agent/ }).getByRole('button', { name: csr }),
  ).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'KPIs by week' }).locator('tbody tr').first(),
  ).toBeVisible();
  const charts = page.getByTestId('kpi-charts');
  await expect(charts.locator('.recharts-surface').first()).toBeVisible();
  // Compare labels every agent in the table under it, and opens on a KPI that has bars.
  const agentRows = page.getByRole('table', { name: /KPIs by agent/ }).locator('tbody tr');
  const compare = charts.locator('figure').nth(1);
  await expect(compare.locator('.recharts-bar-rectangle').first()).toBeVisible();
  for (const name of await agentRows.locator('td:first-child').allInnerTexts()) {
    await expect(
      compare.locator('.recharts-cartesian-axis-tick-value', { hasText: name.trim() }),
    ).toHaveCount(1);
  }
  await charts.screenshot({ path: testInfo.outputPath('kpi-charts.png') });
  await page.screenshot({ path: testInfo.outputPath('kpi-page.png'), fullPage: true });
});

test('nothing in the workspace is wider than a 1280 px window', async () => {
  test.setTimeout(120_000);
  const page = await ext.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`chrome-extension://${ext.id}/extension/supervisor/index.html`);
  await expect(page.getByText('e2e-lead · Retention, Support')).toBeVisible();
  await expect(page.getByLabel('Period preset')).toHaveValue('90');
  const tables: Record<string, string[]> = {
    Review: ['Suggested treatments', 'Eligibility rules'],
    KPIs: ['KPIs by agent', 'KPIs by week'],
    Coaching: ['Where an agent falls short of their team', 'Agents: most skipped'],
    Notes: ['Notes CSRs sent'],
  };
  for (const [tab, captions] of Object.entries(tables)) {
    await page.getByRole('tab', { name: tab }).click();
    for (const caption of captions) {
      const table = page.getByRole('table', { name: new RegExp(caption) });
      await expect(table.locator('tbody tr').first()).toBeVisible();
      if (tab === 'Review' && caption === 'Suggested treatments') {
        // The drawer's table too, open beside the first row.
        await table.locator('tbody tr').first().locator('td').nth(2).getByRole('button').click();
        await expect(page.getByRole('dialog').locator('tbody tr').first()).toBeVisible();
      }
    }
    const overflowing = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.table-wrap')]
        .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1)
        .map(
          (wrap) =>
            `${wrap.querySelector('caption')?.textContent}: ${wrap.scrollWidth}px in ${wrap.clientWidth}px`,
        ),
    );
    expect(overflowing, `${tab} tables wider than their place`).toEqual([]);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
      `${tab}: the page scrolls sideways`,
    ).toBeLessThanOrEqual(1280);
    await page.screenshot({ path: test.info().outputPath(`${tab}-1280.png`), fullPage: true });
    await page.keyboard.press('Escape');
  }
  await page.close();
});
