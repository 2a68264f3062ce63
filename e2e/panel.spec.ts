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
  const { crm, panel } = await openCrm(fixtureUrl('zendesk.user.html'));
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(customer?.name ?? '');
  // The engine's suggestion, with the line on why, for this customer's stored attributes.
  const action = panel.getByTestId('next-best-action').filter({ hasText: nbaTarget.treatmentName });
  await expect(action).toHaveCount(1);
  await expect(action).toContainText(nbaTarget.reason);
  // An admin sees every team's decisions; this agent is in no team.
  const decisions = await backend.get(
    `/v1/decisions?customerId=${customer?.customerId}`,
    backend.adminToken,
  );
  const decisionId = (decisions.body as { id: string }[])[0]?.id ?? '';
  expect(decisionId).not.toBe('');

  const form = panel.getByRole('form', { name: `Outcome for ${nbaTarget.treatmentName}` });
  const radios = form.getByRole('radio');
  const note = form.getByRole('textbox', { name: /Note to the analytics team/ });
  const submit = form.getByRole('button', { name: 'Record outcome' });
  const recorded = panel.getByRole('status', {
    name: `Recorded outcomes for ${nbaTarget.treatmentName}`,
  });

  // Accepted, with a note: Tab into the choices, arrow to "Accepted", Enter on the button.
  await panel.locator('body').focus();
  await tabTo(panel, radios.first());
  await panel.keyboard.press('ArrowDown');
  await expect(form.getByRole('radio', { name: 'Accepted' })).toBeChecked();
  await tabTo(panel, note);
  await panel.keyboard.type('Happy to pay for priority support.');
  await tabTo(panel, submit);
  await panel.keyboard.press('Enter');
  await expect(recorded.locator('[data-outbox-status="sent"]')).toHaveText('Accepted: sent');

  // Declined with a reason and a note while the backend is down: the outbox keeps it.
  await backend.stop();
  await tabTo(panel, radios.first());
  await panel.keyboard.press('ArrowDown');
  await panel.keyboard.press('ArrowDown');
  await expect(form.getByRole('radio', { name: 'Declined' })).toBeChecked();
  await expect(submit).toBeDisabled();
  const reason = form.getByRole('combobox', { name: /Reason/ });
  await tabTo(panel, reason);
  await panel.keyboard.press('ArrowDown');
  await panel.keyboard.press('ArrowDown');
  await expect(reason).toHaveValue('too_expensive');
  await tabTo(panel, note);
  await panel.keyboard.type('Would take it at half the price.');
  await tabTo(panel, submit);
  await panel.keyboard.press('Space');
  await expect(recorded.locator('li').last()).toHaveText(/^Declined: (sending…|pending)/);
  await expect(recorded.locator('li').last()).toHaveAttribute('data-outbox-status', 'pending');

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
  const statuses = async () => {
    const answer = (await panel.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'get-outbox', decisionIds: undefined }),
    )) as { value: { outcome: { decisionId: string }; status: string }[] };
    return answer.value.filter((e) => e.outcome.decisionId === decisionId).map((e) => e.status);
  };
  await expect.poll(statuses, { timeout: 30_000 }).toEqual(['sent', 'sent']);

  // Each outcome stored once, with its reason and its note, although the outbox tried the
  // decline several times.
  const outcomes = (
    (await backend.get(`/v1/decisions?customerId=${customer?.customerId}`, backend.adminToken))
      .body as { id: string; outcomes: { id: string; result: string; reason: string | null }[] }[]
  ).find((d) => d.id === decisionId)?.outcomes;
  expect(outcomes?.map((o) => [o.result, o.reason]).sort()).toEqual([
    ['accepted', null],
    ['declined', 'too_expensive'],
  ]);
  const notes = await backend.get('/v1/supervisor/notes?limit=500', backend.adminToken);
  expect(notes.status).toBe(200);
  const allNotes = notes.body as NoteRow[];
  expect(
    allNotes
      .filter((row) => row.decisionId === decisionId)
      .map((row) => [row.treatmentKey, row.result, row.note])
      .sort(),
  ).toEqual([
    [nbaTarget.treatmentId, 'accepted', 'Happy to pay for priority support.'],
    [nbaTarget.treatmentId, 'declined', 'Would take it at half the price.'],
  ]);
  await crm.close();
  await panel.close();
});
