import { expect, test } from './support/fixtures.ts';
import {
  configureThroughOptions,
  crmFixtures,
  launchWithExtension,
  openPanelFor,
  serveFixtures,
  tabIdOf,
} from './support/extension.ts';
import { seedFromFixtures, spaTarget } from './support/seed.ts';

// Chrome stops an idle MV3 worker after 30 s, and with it the port each content script
// reports on (extension/messaging/port.ts). The next report must open a new port, wake the
// worker and still reach the panel.
test('after Chrome stops the service worker, the next SPA navigation still reaches the panel', async ({
  backend,
  extensionDist,
}) => {
  test.setTimeout(120_000);
  const fixtures = crmFixtures();
  const seeded = await seedFromFixtures(backend, fixtures);
  const token = await backend.createToken('e2e-worker-stop');
  const ext = await launchWithExtension(extensionDist);
  try {
    await serveFixtures(ext.context, fixtures);
    await configureThroughOptions(ext, {
      backendUrl: backend.url,
      token,
      crms: ['Salesforce Lightning'],
    });
    const crm = await ext.context.newPage();
    await crm.goto(fixtures.find((f) => f.fixture === 'salesforce.contact.html')?.url ?? '');
    const panel = await openPanelFor(ext, await tabIdOf(ext, crm));
    const heading = panel.getByRole('heading', { level: 1 });
    await expect(heading).toHaveText(seeded.get('salesforce.contact.html')?.name ?? '');

    // Stopped the way Chrome stops an idle worker: its target goes, the page stays.
    const devtools = await ext.context.newCDPSession(crm);
    const workerTargets = async () =>
      (await devtools.send('Target.getTargets')).targetInfos.filter(
        (t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${ext.id}/`),
      );
    const [worker] = await workerTargets();
    expect(worker).toBeDefined();
    await devtools.send('Target.closeTarget', { targetId: worker?.targetId ?? '' });
    await expect.poll(async () => (await workerTargets()).length).toBe(0);
    await devtools.detach();

    await crm.evaluate(
      (id) => history.pushState({}, '', `/lightning/r/Contact/${id}/view`),
      spaTarget.recordId,
    );
    await expect(heading).toHaveText(spaTarget.name);
  } finally {
    await ext.close();
  }
});
