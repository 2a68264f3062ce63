import { chromium, type Browser, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from './support/backend.ts';
import { expect, test } from './support/fixtures.ts';
import {
  configureThroughOptions,
  crmFixtures,
  launchWithExtension,
  serveFixtures,
  tabIdOf,
  type LoadedExtension,
} from './support/extension.ts';
import { seedFromFixtures, type SeededCustomer } from './support/seed.ts';

// The real side panel is not one of the context's pages. It is opened with the CDP command
// Extensions.triggerAction (what a click on the toolbar button does, so it also checks
// setPanelBehavior({openPanelOnActionClick})) and reached through a second CDP client.
const fixtures = crmFixtures();
const fixtureUrl = (name: string) => fixtures.find((f) => f.fixture === name)?.url ?? '';

let backend: Backend;
let ext: LoadedExtension;
let cdp: Browser;
let cdpUrl: string;
let seeded: Map<string, SeededCustomer>;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ backend: shared, extensionDist: dist }) => {
  test.setTimeout(240_000);
  backend = shared;
  seeded = await seedFromFixtures(backend, fixtures);
  const token = await backend.createToken('e2e-panel-agent');
  ext = await launchWithExtension(dist, [
    '--remote-debugging-port=0',
    '--enable-unsafe-extension-debugging',
  ]);
  await serveFixtures(ext.context, fixtures);
  await configureThroughOptions(ext, {
    backendUrl: backend.url,
    token,
    crms: ['Zendesk Support', 'Freshdesk'],
  });
  const [port] = readFileSync(join(ext.profileDir, 'DevToolsActivePort'), 'utf8').split('\n');
  cdpUrl = `http://127.0.0.1:${port}`;
  cdp = await chromium.connectOverCDP(cdpUrl);
});

test.afterAll(async () => {
  await cdp?.close();
  await ext?.close();
});

async function findSidePanel(): Promise<Page> {
  const url = `chrome-extension://${ext.id}/extension/sidepanel/index.html`;
  let found: Page | undefined;
  // A client connected after the panel opened lists it among its pages.
  await cdp.close();
  cdp = await chromium.connectOverCDP(cdpUrl);
  await expect
    .poll(() => {
      found = cdp
        .contexts()
        .flatMap((context) => context.pages())
        .find((page) => page.url().startsWith(url));
      return Boolean(found);
    })
    .toBe(true);
  return found as Page;
}

test('the toolbar action opens the real side panel, which follows the active tab', async () => {
  const zendesk = await ext.context.newPage();
  await zendesk.goto(fixtureUrl('zendesk.user.html'));
  const freshdesk = await ext.context.newPage();
  await freshdesk.goto(fixtureUrl('freshdesk.ticket.html'));
  const zendeskTab = await tabIdOf(ext, zendesk);
  const freshdeskTab = await tabIdOf(ext, freshdesk);
  const activate = (tabId: number) =>
    ext.worker.evaluate((id) => chrome.tabs.update(id, { active: true }), tabId);
  await activate(zendeskTab);

  const session = await cdp.newBrowserCDPSession();
  // triggerAction wants the tab target (type 'tab'), which getTargets lists only on request.
  const { targetInfos } = await session.send('Target.getTargets', {
    filter: [{ type: 'tab' }],
  } as never);
  const target = targetInfos.find((info) => info.type === 'tab' && info.url === zendesk.url());
  expect(target).toBeDefined();
  await session.send(
    'Extensions.triggerAction' as 'Target.getTargets',
    {
      id: ext.id,
      targetId: target?.targetId,
    } as never,
  );

  await expect
    .poll(async () => {
      const { targetInfos: all } = await session.send('Target.getTargets');
      const listed = all.map((t) => `${t.type} ${t.url}`).join('\n');
      return listed;
    })
    .toContain('sidepanel');
  const panel = await findSidePanel();
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
});
