import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page, Request } from '@playwright/test';
import type { Backend } from './support/backend.ts';
import { expect, test } from './support/fixtures.ts';
import {
  configureThroughOptions,
  crmFixtures,
  launchWithExtension,
  openPanelFor,
  serveFixtures,
  tabIdOf,
  type LoadedExtension,
} from './support/extension.ts';
import { seedFromFixtures, type SeededCustomer } from './support/seed.ts';

// Detection on real tenants: the CRM's own API first (answered here by route.fulfill at the
// CRM's real origin, in the vendor's documented shape), the page when the API is refused, one
// small content script file per CRM.

const fixtures = crmFixtures();
const fixtureUrl = (name: string) => fixtures.find((f) => f.fixture === name)?.url ?? '';
const crmsUnderTest = ['Zendesk Support', 'ServiceNow CSM', 'HubSpot'];
const CONTENT_SCRIPT_BUDGET = 6 * 1024;

let backend: Backend;
let ext: LoadedExtension;
let seeded: Map<string, SeededCustomer>;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ backend: shared, extensionDist }) => {
  test.setTimeout(180_000);
  backend = shared;
  seeded = await seedFromFixtures(backend, fixtures);
  const token = await backend.createToken('e2e-detection-agent');
  ext = await launchWithExtension(extensionDist);
  await serveFixtures(ext.context, fixtures);
  await configureThroughOptions(ext, { backendUrl: backend.url, token, crms: crmsUnderTest });
});

test.afterAll(async () => {
  await ext?.close();
});

interface TabSignals {
  ref: Record<string, string> | null;
  signals?: { api: string; url: string; page: string; chosen: string | null };
}

/** What the worker keeps for the tab (storage.session), once its signals satisfy `done`. */
async function tabCustomer(page: Page, done: (seen: TabSignals) => boolean): Promise<TabSignals> {
  const tabId = await tabIdOf(ext, page);
  let seen: TabSignals | null = null;
  await expect
    .poll(async () => {
      seen = await ext.worker.evaluate(async (id) => {
        const key = `loopdesk.tab.${id}`;
        return ((await chrome.storage.session.get(key))[key] ?? null) as TabSignals | null;
      }, tabId);
      return seen !== null && done(seen);
    })
    .toBe(true);
  return seen as unknown as TabSignals;
}

test('each CRM has its own content script file, registered for its own hosts, within budget', async ({
  extensionDist,
}) => {
  const dir = join(extensionDist, 'extension', 'content', 'entries');
  const files = readdirSync(dir).filter((name) => name.endsWith('.js'));
  expect(files.length).toBeGreaterThanOrEqual(10);
  for (const file of files) {
    const gzipped = gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
    expect(gzipped, `${file} gzipped`).toBeLessThan(CONTENT_SCRIPT_BUDGET);
  }
  const registered = await ext.worker.evaluate(async () =>
    (await chrome.scripting.getRegisteredContentScripts()).map((s) => ({
      id: s.id,
      js: s.js,
      matches: s.matches,
    })),
  );
  const zendesk = registered.find((s) => s.id === 'loopdesk-crm-zendesk');
  expect(zendesk?.matches).toEqual(['https://*.zendesk.com/*']);
  expect(zendesk?.js).toEqual([expect.stringMatching(/zendesk\.entry\.js$/)]);
  expect(registered.map((s) => s.id).sort()).toEqual(
    ['loopdesk-crm-hubspot', 'loopdesk-crm-servicenow', 'loopdesk-crm-zendesk'].sort(),
  );
});

test('Zendesk: the Tickets API names the requester when the page markup is absent', async () => {
  const requests: Request[] = [];
  // A ticket whose page the recorded fixture does not show: only the API can name its requester.
  await ext.context.route(
    'https://acme.zendesk.com/api/v2/tickets/5001.json?include=users',
    (route) => {
      requests.push(route.request());
      // The shape of "Show Ticket" with side-loaded users (developer.zendesk.com).
      return route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          ticket: { id: 5001, requester_id: 90210999, subject: 'Where is my parcel?' },
          users: [
            { id: 90210999, name: 'Jonas Berg', email: 'jonas.berg@example.org', phone: null },
            { id: 11, name: 'An Agent', email: 'agent@acme.example' },
          ],
        }),
      });
    },
  );
  const crm = await ext.context.newPage();
  await crm.goto('https://acme.zendesk.com/agent/tickets/5001');
  const seen = await tabCustomer(crm, (s) => s.signals?.chosen === 'api');
  expect(seen.ref).toEqual({
    crm: 'zendesk',
    type: 'user',
    id: '90210999',
    email: 'jonas.berg@example.org',
    displayName: 'Jonas Berg',
    context: '5001',
  });
  expect(seen.signals).toMatchObject({ api: 'found', page: 'none' });
  // One request, same origin, with the agent's session and no credentials of ours.
  expect(requests).toHaveLength(1);
  expect(await requests[0]?.headerValue('authorization')).toBeNull();
  const panel = await openPanelFor(ext, await tabIdOf(ext, crm));
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(
    seeded.get('zendesk.ticket.html')?.name ?? '',
  );
  await panel.close();
  await crm.close();
});

test('Zendesk: a refused API falls back quietly to the page', async () => {
  await ext.context.route(
    'https://acme.zendesk.com/api/v2/tickets/4821.json?include=users',
    (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'Forbidden', description: 'You do not have access' }),
      }),
  );
  const crm = await ext.context.newPage();
  await crm.goto(fixtureUrl('zendesk.ticket.html'));
  const seen = await tabCustomer(crm, (s) => s.signals?.api === 'failed');
  expect(seen.signals).toMatchObject({ page: 'found', chosen: 'page' });
  expect(seen.ref).toMatchObject({ crm: 'zendesk', email: 'jonas.berg@example.org' });
  await crm.close();
});

test('ServiceNow: the Table API runs in the page’s own world with its session token', async () => {
  const origin = 'https://acmecorp.service-now.com';
  const caseId = '9a8b7c6d5e4f30211203f4e5d6c7b8a9';
  const contactId = '4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b';
  const pageToken = 'e2e-g_ck-5f1c0a';
  // A workspace page with nothing rendered yet but its global `g_ck`, as ServiceNow pages define
  // it (docs.servicenow.com, "Next Experience client-side scripting global variables").
  await ext.context.route(
    `${origin}/now/cwf/agent/record/sn_customerservice_case/${caseId}`,
    (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><title>Case</title><script>var g_ck = '${pageToken}';</script><main></main>`,
      }),
  );
  const tokensSeen: (string | null)[] = [];
  await ext.context.route(
    `${origin}/api/now/table/sn_customerservice_case/${caseId}?**`,
    async (route) => {
      tokensSeen.push(await route.request().headerValue('x-usertoken'));
      // The Table API's documented shape: a `result` object; dot-walked fields by their path.
      return route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          result: {
            sys_id: caseId,
            contact: contactId,
            consumer: '',
            account: '',
            'contact.name': 'Chidi Okonkwo',
            'contact.email': 'chidi.okonkwo@example.org',
            'contact.phone': '',
          },
        }),
      });
    },
  );
  const crm = await ext.context.newPage();
  await crm.goto(`${origin}/now/cwf/agent/record/sn_customerservice_case/${caseId}`);
  const seen = await tabCustomer(crm, (s) => s.signals?.chosen === 'api');
  expect(seen.ref).toMatchObject({
    crm: 'servicenow',
    type: 'customer_contact',
    id: contactId,
    context: caseId,
  });
  expect(tokensSeen).toEqual([pageToken]);
  await crm.close();
});

test('a ticket page where nothing names the customer is counted, and an admin sees it in the workspace', async () => {
  // Neither the API (404) nor the page (the recorded page shows another ticket) names #5002's requester.
  await ext.context.route(
    'https://acme.zendesk.com/api/v2/tickets/5002.json?include=users',
    (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'RecordNotFound', description: 'Not found' }),
      }),
  );
  const crm = await ext.context.newPage();
  await crm.goto('https://acme.zendesk.com/agent/tickets/5002');
  await tabCustomer(crm, (s) => s.signals?.api === 'failed' && s.ref === null);
  // A full navigation ends the visit (pagehide): it is counted as missed.
  await crm.goto(fixtureUrl('zendesk.user.html'));
  await tabCustomer(crm, (s) => s.signals?.chosen === 'url');
  await crm.close();

  const adminToken = await backend.createToken('e2e-detection-admin', 'admin');
  type Row = { crm: string; pageKind: string; missed: number; foundByApi: number };
  const zendeskRow = async (pageKind: string) => {
    const answer = await backend.get('/v1/detection-health', adminToken);
    const rows = (answer.body as { rows?: Row[] }).rows ?? [];
    return rows.find((r) => r.crm === 'zendesk' && r.pageKind === pageKind) ?? null;
  };
  // The counts ride with the outbox's next delivery run (here asked for at once, as the panel
  // does after an outcome is recorded).
  const extensionPage = await ext.context.newPage();
  await extensionPage.goto(`chrome-extension://${ext.id}/extension/options/index.html`);
  await expect
    .poll(async () => {
      await extensionPage.evaluate(() => chrome.runtime.sendMessage({ type: 'flush-outbox' }));
      return (await zendeskRow('ticket'))?.missed ?? 0;
    })
    .toBeGreaterThanOrEqual(1);
  await extensionPage.close();
  // Earlier tests found ticket #5001's requester through the API.
  expect((await zendeskRow('ticket'))?.foundByApi).toBeGreaterThanOrEqual(1);

  // The admin's view: the same numbers in the workspace's Detection tab.
  await configureThroughOptions(ext, { backendUrl: backend.url, token: adminToken, crms: [] });
  const workspace = await ext.context.newPage();
  await workspace.goto(`chrome-extension://${ext.id}/extension/supervisor/index.html`);
  await workspace.getByRole('tab', { name: 'Detection' }).click();
  const row = workspace
    .getByRole('row')
    .filter({ hasText: 'zendesk' })
    .filter({ hasText: 'ticket' });
  await expect(row).toBeVisible();
  await workspace.close();
});
