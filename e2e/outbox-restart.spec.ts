import { rmSync } from 'node:fs';
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
import { seedFromFixtures } from './support/seed.ts';

const fixtures = crmFixtures();
const zendeskUser = fixtures.find((f) => f.fixture === 'zendesk.user.html');

let ext: LoadedExtension | undefined;
let profileDir: string | undefined;

test.afterAll(async () => {
  await ext?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

test('an outcome recorded with the backend down survives a browser restart and is stored once', async ({
  backend,
  extensionDist: dist,
}) => {
  test.setTimeout(300_000);
  const seeded = await seedFromFixtures(backend, fixtures);
  const customer = seeded.get('zendesk.user.html');
  const token = await backend.createToken('e2e-restart-agent');

  ext = await launchWithExtension(dist, [], { keepProfile: true });
  profileDir = ext.profileDir;
  await serveFixtures(ext.context, fixtures);
  await configureThroughOptions(ext, { backendUrl: backend.url, token, crms: ['Zendesk Support'] });
  const crm = await ext.context.newPage();
  await crm.goto(zendeskUser?.url ?? '');
  const panel = await openPanelFor(ext, await tabIdOf(ext, crm));
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(customer?.name ?? '');
  // An admin sees every team's decisions; this agent is in no team.
  const decisions = await backend.get(
    `/v1/decisions?customerId=${customer?.customerId}`,
    backend.adminToken,
  );
  const decisionId = (decisions.body as { id: string }[])[0]?.id ?? '';

  await backend.stop();
  const recorded = (await panel.evaluate(
    (decision) =>
      chrome.runtime.sendMessage({
        type: 'record-outcome',
        outcome: {
          decisionId: decision,
          result: 'accepted',
          note: 'kept across a restart',
          occurredAt: new Date().toISOString(),
        },
      }),
    decisionId,
  )) as { value: { status: string; idempotencyKey: string } };
  expect(recorded.value.status).toBe('pending');

  // Browser closed with the outcome still waiting; the backend comes back; the browser restarts.
  await ext.close();
  await backend.start();
  ext = await launchWithExtension(dist, [], { profileDir, keepProfile: true });

  const outcomesStored = async () => {
    const after = await backend.get(
      `/v1/decisions?customerId=${customer?.customerId}`,
      backend.adminToken,
    );
    return (
      (after.body as { id: string; outcomes: { result: string }[] }[]).find(
        (d) => d.id === decisionId,
      )?.outcomes.length ?? 0
    );
  };
  // Delivered by the worker on browser start-up (runtime.onStartup) or by its retry alarm.
  await expect.poll(outcomesStored, { timeout: 60_000 }).toBe(1);
  const outboxEntries = async () =>
    (await ext?.worker.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('loopdesk');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const entries = await new Promise<unknown[]>((resolve) => {
        const request = db.transaction('outbox').objectStore('outbox').getAll();
        request.onsuccess = () => resolve(request.result);
      });
      db.close();
      return entries;
    })) as { idempotencyKey: string; status: string }[];
  // The backend stores the outcome before the worker reads its answer and marks the entry sent.
  await expect
    .poll(outboxEntries, { timeout: 10_000 })
    .toEqual([
      expect.objectContaining({ idempotencyKey: recorded.value.idempotencyKey, status: 'sent' }),
    ]);
  expect(await outcomesStored()).toBe(1);
});
