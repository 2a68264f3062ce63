import { expect, test, type Page } from '@playwright/test';
import { Backend, freePort } from './support/backend.ts';
import {
  buildExtensionForTests,
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
  seedFromFixtures,
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
let supervisorToken: string;
let seeded: Map<string, SeededCustomer>;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const dist = buildExtensionForTests();
  backend = new Backend(await freePort());
  await backend.start();
  seeded = await seedFromFixtures(backend, fixtures);
  token = await backend.createToken('e2e-agent');
  supervisorToken =
    (await backend.cli('token', 'create', '--role', 'supervisor', '--name', 'e2e-lead'))
      .trim()
      .split('\n')
      .at(-1) ?? '';
  ext = await launchWithExtension(dist);
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
  await backend?.dispose();
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

test('outcomes recorded while the backend is down are delivered once when it is back', async () => {
  test.setTimeout(180_000);
  const { crm, panel } = await openCrm(fixtureUrl('zendesk.user.html'));
  const customer = seeded.get('zendesk.user.html');
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(customer?.name ?? '');
  const decisions = await backend.get(
    `/v1/decisions?customerId=${customer?.customerId}`,
    supervisorToken,
  );
  const decisionId = (decisions.body as { id: string }[])[0]?.id ?? '';
  expect(decisionId).not.toBe('');

  await backend.stop();
  // Through the worker's outbox, exactly as the panel's outcome form hands them over.
  const record = (result: string, reason?: string) =>
    panel.evaluate(
      async ([decision, result, reason]) => {
        const answer = await chrome.runtime.sendMessage({
          type: 'record-outcome',
          outcome: {
            decisionId: decision,
            result,
            ...(reason ? { reason } : {}),
            occurredAt: new Date().toISOString(),
          },
        });
        return answer as { ok: boolean; value: { status: string; idempotencyKey: string } };
      },
      [decisionId, result, reason] as const,
    );
  const offered = await record('offered');
  const declined = await record('declined', 'too_expensive');
  expect(offered.value.status).toBe('pending');
  expect(declined.value.status).toBe('pending');

  // The panel keeps what it showed, marked stale, and offers a retry.
  await crm.reload();
  await panel.reload();
  await expect(panel.getByRole('heading', { name: 'Backend unreachable' })).toBeVisible({
    timeout: 20_000,
  });

  await backend.start();
  await panel.getByRole('button', { name: 'Retry' }).click();
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(customer?.name ?? '');
  const sentStatuses = async () => {
    const answer = (await panel.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'get-outbox', decisionIds: undefined }),
    )) as {
      value: { idempotencyKey: string; status: string }[];
    };
    return answer.value
      .filter((e) =>
        [offered.value.idempotencyKey, declined.value.idempotencyKey].includes(e.idempotencyKey),
      )
      .map((e) => e.status);
  };
  await expect.poll(sentStatuses, { timeout: 30_000 }).toEqual(['sent', 'sent']);

  // Each outcome stored once, although the outbox tried each of them several times.
  const after = await backend.get(
    `/v1/decisions?customerId=${customer?.customerId}`,
    supervisorToken,
  );
  const outcomes = (
    after.body as { id: string; outcomes: { result: string; reason: string | null }[] }[]
  ).find((d) => d.id === decisionId)?.outcomes;
  expect(outcomes?.map((o) => [o.result, o.reason]).sort()).toEqual([
    ['declined', 'too_expensive'],
    ['offered', null],
  ]);
  await crm.close();
  await panel.close();
});
