import type { Locator, Page } from '@playwright/test';
import type { Backend } from './support/backend.ts';
import { expect, test } from './support/fixtures.ts';
import {
  configureThroughOptions,
  crmFixtures,
  launchWithExtension,
  openPanelFor,
  runAxe,
  serveFixtures,
  tabIdOf,
  type LoadedExtension,
} from './support/extension.ts';
import {
  ambiguousFixture,
  nbaTarget,
  seedFromFixtures,
  seedNextBestActions,
  spaTarget,
  unknownFixture,
  type SeededCustomer,
} from './support/seed.ts';

const builtInCrms = [
  'Salesforce Lightning',
  'Zendesk Support',
  'HubSpot',
  'Dynamics 365',
  'ServiceNow CSM',
  'Freshdesk',
  'Zoho Desk',
];
const fixtures = crmFixtures();
const fixtureUrl = (name: string) => fixtures.find((f) => f.fixture === name)?.url ?? '';

let backend: Backend;
let ext: LoadedExtension;
let token: string;
let seeded: Map<string, SeededCustomer>;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ backend: shared, extensionDist }) => {
  test.setTimeout(240_000);
  backend = shared;
  seeded = await seedFromFixtures(backend, fixtures);
  await seedNextBestActions(backend);
  // The one CLI call of this suite: `token create` hands over to the running server.
  token = await backend.createTokenThroughCli('e2e-agent');
  ext = await launchWithExtension(extensionDist);
  await serveFixtures(ext.context, fixtures);
  await configureThroughOptions(ext, {
    backendUrl: backend.url,
    token,
    crms: [...builtInCrms, 'Request Tracker 5 (self-hosted)'],
    selfHosted: { 'Request Tracker 5 (self-hosted)': 'https://rt.example.com' },
  });
});

test.afterAll(async () => {
  await ext?.close();
});

async function openCrm(url: string): Promise<{ crm: Page; panel: Page }> {
  const crm = await ext.context.newPage();
  await crm.goto(url);
  const panel = await openPanelFor(ext, await tabIdOf(ext, crm));
  return { crm, panel };
}

test('every built-in CRM page shows its customer’s insights in the panel', async () => {
  const crm = await ext.context.newPage();
  await crm.goto(fixtureUrl('salesforce.contact.html'));
  const panel = await openPanelFor(ext, await tabIdOf(ext, crm));
  for (const [fixture, customer] of seeded) {
    await test.step(fixture, async () => {
      await crm.goto(fixtureUrl(fixture));
      await expect(panel.getByRole('heading', { level: 1 })).toHaveText(customer.name);
      await expect(panel.getByTestId('segment')).toBeVisible();
      await expect(panel.getByRole('heading', { name: 'Next best actions' })).toBeVisible();
    });
  }
  await crm.close();
  await panel.close();
});

test('a page without a customer is calm, an unknown customer is said so', async () => {
  const { crm, panel } = await openCrm(fixtureUrl('zendesk.views-list.html'));
  await expect(panel.getByRole('heading', { name: 'No customer on this page' })).toBeVisible();
  await crm.goto(fixtureUrl(unknownFixture));
  await expect(panel.getByRole('heading', { name: 'Unknown customer' })).toBeVisible();
  await expect(panel.getByTestId('next-best-action')).toHaveCount(0);
  await crm.close();
  await panel.close();
});

test('several matching customers are listed and the picked one is shown', async () => {
  const { crm, panel } = await openCrm(fixtureUrl(ambiguousFixture));
  await expect(panel.getByRole('heading', { name: 'Several customers match' })).toBeVisible();
  await panel.getByRole('button', { name: /robin\.twine@example\.com/ }).click();
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText('Robin Twine');
  await crm.close();
  await panel.close();
});

test('SPA navigation inside the CRM updates the panel', async () => {
  const { crm, panel } = await openCrm(fixtureUrl('salesforce.contact.html'));
  const first = seeded.get('salesforce.contact.html');
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(first?.name ?? '');
  await crm.evaluate(
    (id) => history.pushState({}, '', `/lightning/r/Contact/${id}/view`),
    spaTarget.recordId,
  );
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(spaTarget.name);
  await crm.close();
  await panel.close();
});

test('switching tabs shows that tab’s customer', async () => {
  const zendesk = await ext.context.newPage();
  await zendesk.goto(fixtureUrl('zendesk.user.html'));
  const freshdesk = await ext.context.newPage();
  await freshdesk.goto(fixtureUrl('freshdesk.ticket.html'));
  const zendeskTab = await tabIdOf(ext, zendesk);
  const freshdeskTab = await tabIdOf(ext, freshdesk);
  const windowId = await ext.worker.evaluate(
    async (id) => (await chrome.tabs.get(id)).windowId,
    zendeskTab,
  );
  // The panel page in its own window, following the CRM window's active tab like the real panel.
  const panelPromise = ext.context.waitForEvent('page');
  await ext.worker.evaluate(
    ([url]) => chrome.windows.create({ url, focused: false }),
    [`chrome-extension://${ext.id}/extension/sidepanel/index.html?windowId=${windowId}`],
  );
  const panel = await panelPromise;
  const activate = (tabId: number) =>
    ext.worker.evaluate((id) => chrome.tabs.update(id, { active: true }), tabId);
  await activate(zendeskTab);
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(
    seeded.get('zendesk.user.html')?.name ?? '',
  );
  await activate(freshdeskTab);
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(
    seeded.get('freshdesk.ticket.html')?.name ?? '',
  );
  await activate(zendeskTab);
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(
    seeded.get('zendesk.user.html')?.name ?? '',
  );
  await Promise.all([zendesk.close(), freshdesk.close(), panel.close()]);
});

test('the panel passes an axe-core check', async () => {
  const { crm, panel } = await openCrm(fixtureUrl('zendesk.user.html'));
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(
    seeded.get('zendesk.user.html')?.name ?? '',
  );
  expect(await runAxe(panel)).toEqual([]);
  await crm.close();
  await panel.close();
});

test('at 360×700 the customer, the badges and the first action’s outcome buttons show without scrolling, in text of 13 px or more', async () => {
  const { crm, panel } = await openCrm(fixtureUrl('zendesk.user.html'));
  await panel.setViewportSize({ width: 360, height: 700 });
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(
    seeded.get('zendesk.user.html')?.name ?? '',
  );
  const firstAction = panel.getByTestId('next-best-action').first();
  const outcomeButtons = firstAction
    .getByRole('group', { name: /^Outcome for / })
    .getByRole('button');
  await expect(outcomeButtons).toHaveCount(4);
  const mustShow = [
    panel.getByRole('heading', { level: 1 }),
    panel.getByTestId('identity'),
    panel.getByTestId('segment'),
    panel.getByTestId('value'),
    panel.getByTestId('churn'),
    firstAction.getByRole('heading', { level: 3 }),
    ...(await outcomeButtons.all()),
  ];
  for (const element of mustShow) {
    const box = await element.boundingBox();
    expect(box, element.toString()).not.toBeNull();
    expect(box?.y ?? -1, element.toString()).toBeGreaterThanOrEqual(0);
    expect((box?.y ?? 0) + (box?.height ?? 0), element.toString()).toBeLessThanOrEqual(700);
    expect(box?.x ?? -1, element.toString()).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 0), element.toString()).toBeLessThanOrEqual(360);
  }
  // Labelled: each badge says what it is, not only by its colour.
  await expect(panel.locator('dl.badges dt')).toHaveText(['Segment', 'Value', 'Churn risk']);
  const layout = await panel.evaluate(() => {
    const sizes = [...document.querySelectorAll('main *')]
      .filter((element) =>
        [...element.childNodes].some(
          (node) => node.nodeType === Node.TEXT_NODE && node.textContent?.trim(),
        ),
      )
      .filter((element) => element.getClientRects().length > 0)
      .map((element) => Number.parseFloat(getComputedStyle(element).fontSize));
    return {
      scrollY: window.scrollY,
      overflowsSideways: document.documentElement.scrollWidth > window.innerWidth,
      bodyFontSize: Number.parseFloat(getComputedStyle(document.body).fontSize),
      smallestText: Math.min(...sizes),
    };
  });
  expect(layout.scrollY).toBe(0);
  expect(layout.overflowsSideways).toBe(false);
  expect(layout.bodyFontSize).toBeGreaterThanOrEqual(13);
  expect(layout.smallestText).toBeGreaterThanOrEqual(13);
  await panel.screenshot({ path: test.info().outputPath('panel-360x700.png') });
  await crm.close();
  await panel.close();
});

test('a rule adapter made in the options page finds the customer on an in-house CRM', async () => {
  await ext.context.route('https://crm.example.net/**', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>In-house CRM</title><main id="card"><h1 class="name">${spaTarget.name}</h1>
        <a class="mail" href="mailto:${spaTarget.email}">${spaTarget.email}</a></main>`,
    }),
  );
  const crm = await ext.context.newPage();
  await crm.goto('https://crm.example.net/people/991');
  const options = await ext.context.newPage();
  await options.goto(`chrome-extension://${ext.id}/extension/options/index.html`);
  await options.getByRole('button', { name: 'Add a rule' }).click();
  await options.getByLabel('Id', { exact: true }).fill('in-house');
  await options.getByLabel('Name', { exact: true }).fill('In-house CRM');
  await options.getByLabel('Origin', { exact: true }).fill('https://crm.example.net');
  await options.getByLabel(/^URL pattern/).fill('^/people/(?<recordId>\\d+)');
  await options.getByLabel(/^Container selector/).fill('#card');
  await options.getByLabel(/^Email selector/).fill('.mail');
  await options.getByLabel(/^Name selector/).fill('.name');
  await options.getByRole('button', { name: 'Test on an open tab' }).click();
  await expect(options.getByText(/Found a customer on this page/)).toContainText(spaTarget.email);
  await options.getByRole('button', { name: 'Save rules' }).click();
  await expect(options.getByText('Saved 1 rule.')).toBeVisible();

  await crm.reload();
  const panel = await openPanelFor(ext, await tabIdOf(ext, crm));
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(spaTarget.name);
  await Promise.all([crm.close(), options.close(), panel.close()]);
});

test('the options page passes an axe-core check', async () => {
  const options = await ext.context.newPage();
  await options.goto(`chrome-extension://${ext.id}/extension/options/index.html`);
  await options.getByRole('button', { name: 'Add a rule' }).click();
  await expect(options.getByLabel('Origin', { exact: true }).last()).toBeVisible();
  expect(await runAxe(options)).toEqual([]);
  await options.close();
});

/** Presses Tab until the target has the focus: the CSR's way through the panel. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let presses = 0; presses < 80; presses += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

interface NoteRow {
  decisionId: string;
  treatmentKey: string | null;
  result: string;
  note: string;
}

test('outcomes of real next-best-actions recorded by keyboard, one with the backend down, are stored once', async () => {
  test.setTimeout(180_000);
  const customer = seeded.get('zendesk.user.html');
  // An admin sees every team's decisions; this agent is in no team. Other specs share the
  // backend and this customer: only the decisions made from here on are this test's.
  const customerDecisions = async () =>
    (await backend.get(`/v1/decisions?customerId=${customer?.customerId}`, backend.adminToken))
      .body as { id: string; outcomes: { id: string; result: string; reason: string | null }[] }[];
  const earlierDecisions = new Set((await customerDecisions()).map((d) => d.id));
  const decisionsOfThisTest = async () =>
    (await customerDecisions()).filter((d) => !earlierDecisions.has(d.id));
  const { crm, panel } = await openCrm(fixtureUrl('zendesk.user.html'));
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(customer?.name ?? '');
  // The engine's suggestion, with the line on why, for this customer's stored attributes.
  const action = panel.getByTestId('next-best-action').filter({ hasText: nbaTarget.treatmentName });
  await expect(action).toHaveCount(1);
  await expect(action).toContainText(nbaTarget.reason);
  const decisionsBefore = (await decisionsOfThisTest()).length;
  expect(decisionsBefore).toBeGreaterThan(0);

  const outcome = action.getByRole('group', { name: `Outcome for ${nbaTarget.treatmentName}` });
  const noteToggle = action.getByText('Note for the analytics team', { exact: true });
  const note = action.getByRole('textbox', { name: /Note to the analytics team/ });
  const status = action.getByRole('status');

  // Accepted, with a note: Tab to the folded note, open it, type, Tab to "Accepted", Enter.
  await panel.locator('body').focus();
  await tabTo(panel, noteToggle);
  await panel.keyboard.press('Enter');
  await tabTo(panel, note);
  await panel.keyboard.type('Happy to pay for priority support.');
  await tabTo(panel, outcome.getByRole('button', { name: 'Accepted' }));
  await panel.keyboard.press('Enter');
  await expect(status).toHaveText(/^Recorded: Accepted at \d{1,2}:\d{2}.* · sent$/);
  await expect(status).toHaveAttribute('data-outbox-status', 'sent');
  // It cannot be recorded twice by mistake: the buttons give way to what was recorded.
  await expect(outcome).toHaveCount(0);
  await expect(action.getByRole('button', { name: 'Undo' })).toBeVisible();
  // Once delivered, the suggestions are asked for again (a new decision), and what was recorded
  // stays shown.
  await expect.poll(async () => (await decisionsOfThisTest()).length).toBe(decisionsBefore + 1);
  await expect(status).toHaveText(/^Recorded: Accepted at .* · sent$/);
  await expect(outcome).toHaveCount(0);

  // Declined with a reason and a note while the backend is down, on the next look at the
  // customer (a new panel, a new decision): the outbox keeps it.
  await panel.reload();
  await expect(outcome).toBeVisible();
  await backend.stop();
  await tabTo(panel, noteToggle);
  await panel.keyboard.press('Enter');
  await tabTo(panel, note);
  await panel.keyboard.type('Would take it at half the price.');
  await tabTo(panel, outcome.getByRole('button', { name: 'Declined' }));
  await panel.keyboard.press('Enter');
  // Nothing recorded yet: the reasons come first, with the focus on the first one.
  await expect(action.getByRole('group', { name: 'Why did they decline?' })).toBeVisible();
  await expect(action.getByRole('button', { name: 'Not interested' })).toBeFocused();
  await panel.keyboard.press('Tab');
  await expect(action.getByRole('button', { name: 'Too expensive' })).toBeFocused();
  expect(await runAxe(panel), 'axe with the reasons open').toEqual([]);
  await panel.keyboard.press('Space');
  await expect(status).toHaveText(
    /^Recorded: Declined \(Too expensive\) at .* · (sending…|pending, will retry.*)$/,
  );
  await expect(status).toHaveAttribute('data-outbox-status', 'pending');

  // The panel keeps what it showed, marked stale, and offers a retry.
  await crm.reload();
  await panel.reload();
  await expect(panel.getByRole('heading', { name: 'Backend unreachable' })).toBeVisible({
    timeout: 20_000,
  });

  await backend.start();
  const retry = panel.getByRole('button', { name: 'Retry' });
  await tabTo(panel, retry);
  await panel.keyboard.press('Enter');
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(customer?.name ?? '');
  const decisionIds = new Set((await decisionsOfThisTest()).map((d) => d.id));
  const statuses = async () => {
    const answer = (await panel.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'get-outbox', decisionIds: undefined }),
    )) as { value: { outcome: { decisionId: string }; status: string }[] };
    return answer.value.filter((e) => decisionIds.has(e.outcome.decisionId)).map((e) => e.status);
  };
  await expect.poll(statuses, { timeout: 30_000 }).toEqual(['sent', 'sent']);

  // Each outcome stored once, with its reason and its note, although the outbox tried the
  // decline several times.
  const outcomes = (await decisionsOfThisTest()).flatMap((d) => d.outcomes);
  expect(outcomes.map((o) => [o.result, o.reason]).sort()).toEqual([
    ['accepted', null],
    ['declined', 'too_expensive'],
  ]);
  const notes = await backend.get('/v1/supervisor/notes?limit=500', backend.adminToken);
  expect(notes.status).toBe(200);
  const allNotes = notes.body as NoteRow[];
  expect(
    allNotes
      .filter((row) => decisionIds.has(row.decisionId))
      .map((row) => [row.treatmentKey, row.result, row.note])
      .sort(),
  ).toEqual([
    [nbaTarget.treatmentId, 'accepted', 'Happy to pay for priority support.'],
    [nbaTarget.treatmentId, 'declined', 'Would take it at half the price.'],
  ]);
  await crm.close();
  await panel.close();
});

test('an outcome recorded by mistake is undone, then the right one recorded; the backend keeps the correction', async () => {
  test.setTimeout(120_000);
  const customer = seeded.get('freshdesk.ticket.html');
  const customerDecisions = async () =>
    (await backend.get(`/v1/decisions?customerId=${customer?.customerId}`, backend.adminToken))
      .body as { id: string; outcomes: { result: string }[] }[];
  const earlierDecisions = new Set((await customerDecisions()).map((d) => d.id));
  const { crm, panel } = await openCrm(fixtureUrl('freshdesk.ticket.html'));
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(customer?.name ?? '');
  const action = panel.getByTestId('next-best-action').filter({ hasText: nbaTarget.treatmentName });
  const outcome = action.getByRole('group', { name: `Outcome for ${nbaTarget.treatmentName}` });
  const status = action.getByRole('status');

  await outcome.getByRole('button', { name: 'Offered', exact: true }).click();
  await expect(status).toHaveText(/^Recorded: Offered at \d{1,2}:\d{2}.* · sent$/);
  await expect(outcome).toHaveCount(0);
  // Undo is there for 10 seconds after recording: used at once here.
  await action.getByRole('button', { name: 'Undo' }).click();
  await expect(status).toHaveText(/^Undone: Offered \(recorded at .+\) · correction sent$/);
  await expect(action.getByRole('button', { name: 'Undo' })).toHaveCount(0);
  await outcome.getByRole('button', { name: 'Accepted' }).click();
  await expect(status).toHaveText(/^Recorded: Accepted at .* · sent$/);
  await expect(outcome).toHaveCount(0);
  expect(await runAxe(panel), 'axe with an outcome recorded').toEqual([]);

  // The backend stored both, the first one taken back: only the accepted offer stands.
  await expect
    .poll(async () =>
      (await customerDecisions())
        .filter((d) => !earlierDecisions.has(d.id))
        .flatMap((d) => d.outcomes.map((o) => o.result)),
    )
    .toEqual(['accepted']);
  const ours = new Set(
    (await customerDecisions()).filter((d) => !earlierDecisions.has(d.id)).map((d) => d.id),
  );
  const entries = (
    (await panel.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'get-outbox', decisionIds: undefined }),
    )) as {
      value: {
        outcome: { decisionId: string; result: string };
        status: string;
        retraction: { status: string } | null;
      }[];
    }
  ).value.filter((e) => ours.has(e.outcome.decisionId));
  expect(entries.map((e) => [e.outcome.result, e.status, e.retraction?.status ?? null])).toEqual([
    ['offered', 'sent', 'sent'],
    ['accepted', 'sent', null],
  ]);
  await crm.close();
  await panel.close();
});
