import { expect, test, type Locator, type Page } from '@playwright/test';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastDays } from '../extension/supervisor/ui-store.ts';
import { launchWithExtension, runAxe, tabIdOf, type LoadedExtension } from './support/extension.ts';
import { NpmStartBackend, type NpmStartAnnouncement } from './support/npm-start.ts';
import {
  screenshotBeside,
  screenshotOf,
  sidePanelWidth,
  windowSize,
} from './support/screenshots.ts';

/*
 * The README's first run, top to bottom, as one newcomer: `npm start` (its backend entry on a
 * fresh data folder), the tokens it prints, the extension dist/ it built, the options page
 * that opens on install, the demo customer the output points to, an outcome recorded, undone
 * and recorded again, and the supervisor who finds it in the workspace. Its own backend, apart
 * from the one the other specs share.
 */
const distDir = join(import.meta.dirname, '..', 'dist');

let started: NpmStartBackend;
let ext: LoadedExtension | undefined;
let loadedDist: string | undefined;

/** On failure, every page of the browser as it was (the panel, the CRM tab, the workspace). */
// Playwright requires the hook's first argument to be a destructuring pattern.
// eslint-disable-next-line no-empty-pattern
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus || !ext) return;
  for (const [index, page] of ext.context.pages().entries()) {
    const name = `page-${index}-${new URL(page.url()).pathname.replace(/\W+/g, '-')}`;
    await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
    writeFileSync(
      testInfo.outputPath(`${name}.aria.yml`),
      await page.locator('body').ariaSnapshot(),
    );
  }
});

test.afterAll(async () => {
  await ext?.close();
  await started?.dispose();
  if (loadedDist) rmSync(loadedDist, { recursive: true, force: true });
});

/**
 * The dist/ that `npm start` (and `npm run test:e2e`) built, copied as it is now: a later
 * `vite build` empties dist/ first, which would pull the files from under the loaded extension.
 */
function copyOfDist(): string {
  expect(existsSync(join(distDir, 'manifest.json')), 'dist/ is built (vite build)').toBe(true);
  const copy = mkdtempSync(join(tmpdir(), 'loopdesk-newcomer-dist-'));
  cpSync(distDir, copy, { recursive: true });
  return copy;
}

interface ReviewRow {
  treatmentKey: string;
  name: string | null;
  accepted: number;
  declined: number;
}

/** The review counts the workspace opens on (its default period, every team in scope). */
async function reviewCounts(printed: NpmStartAnnouncement, treatmentName: string) {
  const { from, to } = lastDays(90);
  const url = new URL('/v1/supervisor/treatments', printed.apiUrl);
  url.search = new URLSearchParams({ from, to }).toString();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${printed.supervisorToken}` },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { rows: ReviewRow[] };
  const row = body.rows.find((r) => r.name === treatmentName);
  return { accepted: row?.accepted ?? 0, declined: row?.declined ?? 0 };
}

/** Saves a token on the options page; answers with the backend section's status line. */
async function saveToken(options: Page, token: string): Promise<Locator> {
  await options.getByLabel(/^Token/).fill(token);
  await options.getByRole('button', { name: 'Save', exact: true }).click();
  return options.getByRole('region', { name: 'Backend' }).getByRole('status');
}

test('a newcomer follows npm start to an outcome, undoes a slip, and the supervisor finds it', async () => {
  test.setTimeout(360_000);
  loadedDist = copyOfDist();

  const printed =
    await test.step('npm start prints the API, two tokens and a customer', async () => {
      started = new NpmStartBackend();
      const announcement = await started.start();
      expect(announcement.csrToken).toMatch(/^ld_csr_/);
      expect(announcement.supervisorToken).toMatch(/^ld_supervisor_/);
      expect(announcement.customerPageUrl.startsWith(`${announcement.apiUrl}/demo/`)).toBe(true);
      return announcement;
    });

  const options = await test.step('the options page opens on install', async () => {
    ext = await launchWithExtension(loadedDist!, [], { keepInstallOptionsPage: true });
    // A step that cannot go on fails within a minute, not at the end of the whole test's time.
    ext.context.setDefaultTimeout(30_000);
    const optionsUrl = `chrome-extension://${ext.id}/extension/options/`;
    const installed = () => ext!.context.pages().find((p) => p.url().startsWith(optionsUrl));
    await expect.poll(() => installed()?.url() ?? 'no options page yet').toContain(optionsUrl);
    const page = installed()!;
    await expect(page.getByLabel('Backend URL')).toBeVisible();
    return page;
  });

  await test.step('saving the API URL and the CSR token says who is connected', async () => {
    await options.getByLabel('Backend URL').fill(printed.apiUrl);
    await expect(await saveToken(options, printed.csrToken)).toHaveText(
      `Connected as ${printed.csrName} (csr).`,
    );
    // The demo CRM's address is the backend's, filled in: enabling it is one click.
    const demoAddress = options.getByLabel('Address of your LoopDesk demo CRM');
    await expect(demoAddress).toHaveValue(new URL(printed.apiUrl).origin);
    await options.getByRole('button', { name: 'Enable LoopDesk demo CRM', exact: true }).click();
    await expect(
      options.getByRole('button', { name: 'Disable LoopDesk demo CRM', exact: true }),
    ).toBeVisible();
    expect(await runAxe(options), 'axe on the options page').toEqual([]);
  });

  const { crm, panel, customerName, treatmentName } =
    await test.step('the demo customer from the output, with a suggestion in the panel', async () => {
      const crmPage = await ext!.context.newPage();
      await crmPage.setViewportSize({
        width: windowSize.width - sidePanelWidth - 1,
        height: windowSize.height,
      });
      await crmPage.goto(printed.customerPageUrl);
      const name = (await crmPage.getByRole('heading', { level: 1 }).innerText()).trim();
      const panelPage = await ext!.context.newPage();
      await panelPage.setViewportSize({ width: sidePanelWidth, height: windowSize.height });
      await panelPage.goto(
        `chrome-extension://${ext!.id}/extension/sidepanel/index.html?tabId=${await tabIdOf(ext!, crmPage)}`,
      );
      await expect(panelPage.getByRole('heading', { level: 1 })).toHaveText(name);
      const firstAction = panelPage.getByTestId('next-best-action').first();
      await expect(firstAction).toBeVisible();
      const treatment = (await firstAction.getByRole('heading').first().innerText()).trim();
      const outcomes = panelPage.getByRole('group', { name: `Outcome for ${treatment}` });
      // A live call: the first action and its outcome buttons show without scrolling.
      await expect(
        outcomes.getByRole('button', { name: 'Accepted', exact: true }),
      ).toBeInViewport();
      expect(await runAxe(panelPage), 'axe on the side panel').toEqual([]);
      await screenshotBeside(ext!.context, crmPage, panelPage, 'side-panel.png');
      return { crm: crmPage, panel: panelPage, customerName: name, treatmentName: treatment };
    });

  const before = await reviewCounts(printed, treatmentName);
  const note = `Newcomer e2e: ${customerName} finds the price too high`;
  // After an accepted offer the suggestions refresh; an action no longer suggested stays shown,
  // as the recorded action, with what was recorded and its Undo.
  const action = panel
    .locator('[data-testid="next-best-action"], [data-testid="recorded-action"]')
    .filter({ has: panel.getByRole('heading', { name: treatmentName, exact: true }) })
    .first();
  const outcomes = action.getByRole('group', { name: `Outcome for ${treatmentName}` });
  const status = action.getByRole('status');

  await test.step('a wrong outcome (Accepted, a slip) is undone', async () => {
    await outcomes.getByRole('button', { name: 'Accepted', exact: true }).click();
    await expect(status).toHaveText(/^Recorded: Accepted at \d{1,2}:\d{2}/);
    // Recorded once: the buttons give way to what was recorded until it is undone.
    await expect(outcomes).toHaveCount(0);
    await action.getByRole('button', { name: 'Undo', exact: true }).click();
    // The correction is delivered before anything else is recorded.
    await expect(status).toHaveText(/^Undone: Accepted .*correction sent$/);
    await expect(outcomes.getByRole('button', { name: 'Accepted', exact: true })).toBeVisible();
  });

  await test.step('the right outcome is recorded: declined, with a reason and a note', async () => {
    await action.getByText('Note for the analytics team', { exact: true }).click();
    await action.getByRole('textbox', { name: /Note to the analytics team/ }).fill(note);
    await outcomes.getByRole('button', { name: 'Declined', exact: true }).click();
    await action
      .getByRole('group', { name: 'Why did they decline?' })
      .getByRole('button', { name: 'Too expensive', exact: true })
      .click();
    await expect(status).toHaveText(
      /^Recorded: Declined \(Too expensive\) at \d{1,2}:\d{2}.* sent$/,
    );
    // Through the worker's outbox: the backend counts the decline once and the slip not at all.
    await expect
      .poll(() => reviewCounts(printed, treatmentName), { timeout: 30_000 })
      .toEqual({ accepted: before.accepted, declined: before.declined + 1 });
  });

  await test.step('the demo phone rings the CSR: the caller shows while it rings', async () => {
    const phone = crm.getByRole('region', { name: 'Demo phone' });
    await phone.getByRole('button', { name: 'Ring', exact: true }).click();
    const banner = panel.getByTestId('call');
    await expect(banner).toContainText(`Ringing: ${customerName}`);
    await expect(panel.getByRole('heading', { level: 1 })).toHaveText(customerName);
    await screenshotBeside(ext!.context, crm, panel, 'live-call.png');
    await phone.getByRole('button', { name: 'Answer', exact: true }).click();
    await expect(banner).toContainText(`On call: ${customerName}`);
    await phone.getByRole('button', { name: 'Hang up', exact: true }).click();
    await expect(banner).toContainText(`Call ended: ${customerName}`);
    await panel.getByRole('button', { name: 'Back to this tab’s customer' }).click();
    await expect(banner).toHaveCount(0);
  });

  await test.step('the demo chat console: the panel follows the focused conversation', async () => {
    await crm.goto(new URL('/demo/chats/1', crm.url()).href);
    const conversations = crm.getByRole('navigation', { name: 'Open conversations' });
    const contactName = async () =>
      (await crm.locator('section.requester [data-field="name"]').innerText()).trim();
    const heading = panel.getByRole('heading', { level: 1 });
    const first = await contactName();
    await expect(heading).toHaveText(first);
    const links = conversations.getByRole('link');
    await links.nth(1).click();
    await expect(crm).toHaveURL(/\/demo\/chats\/2$/);
    const second = await contactName();
    await expect(heading).toHaveText(second);
    await screenshotBeside(ext!.context, crm, panel, 'live-chat.png');
    await links.nth(0).click();
    await expect(heading).toHaveText(first);
    await conversations.getByRole('link', { name: 'Website visitor' }).click();
    await expect(heading).toHaveText('This conversation shows no email or phone');
    await crm.goto(printed.customerPageUrl);
    await expect(heading).toHaveText(customerName);
  });

  const workspace =
    await test.step('the printed supervisor token opens the workspace', async () => {
      await options.bringToFront();
      await expect(await saveToken(options, printed.supervisorToken)).toHaveText(
        `Connected as ${printed.supervisorName} (supervisor).`,
      );
      // The panel's footer offers the workspace to a supervisor token.
      await panel.reload();
      await expect(panel.getByRole('heading', { level: 1 })).toHaveText(customerName);
      const opened = ext!.context.waitForEvent('page');
      await panel.getByRole('button', { name: 'Supervisor workspace' }).click();
      const page = await opened;
      await page.setViewportSize(windowSize);
      await expect(
        page.getByRole('heading', { name: 'LoopDesk supervisor workspace' }),
      ).toBeVisible();
      await expect(page.getByText(new RegExp(`^${printed.supervisorName} · `))).toBeVisible();
      return page;
    });

  await test.step('the review counts the outcome once, and the undone one not at all', async () => {
    const review = workspace.getByRole('table', { name: 'Suggested treatments' });
    const row = review.locator('tbody tr').filter({
      has: workspace.getByRole('cell', { name: treatmentName, exact: true }),
    });
    await expect(row).toHaveCount(1);
    // Each column header is a sort button named by the column's label.
    const headers = await review.locator('thead th button.sort').allInnerTexts();
    const cellUnder = (label: string) => {
      const index = headers.findIndex((header) => header.replace(/ [▲▼]$/, '').trim() === label);
      expect(index, `a "${label}" column in ${headers.join(' | ')}`).toBeGreaterThanOrEqual(0);
      return row.locator('td').nth(index);
    };
    await expect(cellUnder('Accepted')).toHaveText(String(before.accepted));
    await expect(cellUnder('Declined')).toHaveText(String(before.declined + 1));
    expect(await runAxe(workspace), 'axe on the workspace review').toEqual([]);
    await screenshotOf(workspace, 'workspace-review.png');
  });

  await test.step('the note is in the notes view', async () => {
    await workspace.getByRole('tab', { name: 'Notes' }).click();
    await workspace.getByLabel(/Search notes/).fill(note);
    const notes = workspace.getByRole('table', { name: /Notes CSRs sent/ });
    await expect(notes.locator('tbody tr')).toHaveCount(1);
    const noteRow = notes.locator('tbody tr').first();
    await expect(noteRow).toContainText(note);
    await expect(noteRow).toContainText(printed.csrName);
    await expect(noteRow).toContainText('declined');
    expect(await runAxe(workspace), 'axe on the notes view').toEqual([]);
  });

  await test.step('the KPI charts have the seeded demo behind them', async () => {
    await workspace.getByRole('tab', { name: 'KPIs' }).click();
    const charts = workspace.getByTestId('kpi-charts');
    await expect(charts.locator('.recharts-bar-rectangle').first()).toBeVisible();
    await expect(
      workspace.getByRole('table', { name: 'KPIs by week' }).locator('tbody tr').first(),
    ).toBeVisible();
    expect(await runAxe(workspace), 'axe on the KPIs').toEqual([]);
    await screenshotOf(charts, 'kpi-charts.png');
  });

  await crm.close();
});
