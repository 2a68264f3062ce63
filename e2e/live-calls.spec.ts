import { createHmac } from 'node:crypto';
import type { Page } from '@playwright/test';
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

// The caller known to the telephony platform before any record is open: the platform's event
// (POST /v1/calls, as a webhook route or a PBX would send it) reaches the agent's panel over the
// backend's event stream.

const agent = 'e2e-call-agent';
const harper = { id: 'E2E-CALL-1', name: 'Harper Johnson', phone: '+16285550142' };
const fixtures = crmFixtures().filter((f) => f.fixture === 'zendesk.views-list.html');
const twilioAuthToken = 'e2e-twilio-auth-token-0123456789';

let backend: Backend;
let ext: LoadedExtension;
let panel: Page;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ backend: shared, extensionDist }) => {
  test.setTimeout(240_000);
  backend = shared;
  // Twilio's webhook on, as an admin sets it up (LOOPDESK_TWILIO_AUTH_TOKEN).
  backend.extraEnv = { LOOPDESK_TWILIO_AUTH_TOKEN: twilioAuthToken };
  await backend.stop();
  await backend.start();
  await backend.importCsv('customers', 'customer_id,name,phone', [
    [harper.id, harper.name, '(628) 555-0142'],
  ]);
  const token = await backend.createToken(agent);
  ext = await launchWithExtension(extensionDist);
  await serveFixtures(ext.context, fixtures);
  await configureThroughOptions(ext, {
    backendUrl: backend.url,
    token,
    crms: ['Zendesk Support'],
  });
  const crm = await ext.context.newPage();
  await crm.goto(fixtures[0]!.url);
  panel = await openPanelFor(ext, await tabIdOf(ext, crm));
  await expect(panel.getByRole('heading', { name: 'No customer on this page' })).toBeVisible();
});

test.afterAll(async () => {
  await ext?.close();
  backend.extraEnv = {};
});

const postCall = (callId: string, state: 'ringing' | 'connected' | 'ended') =>
  backend.admin('POST', '/v1/calls', {
    callId,
    agent,
    from: '(628) 555-0142',
    state,
    platform: 'twilio',
  });

const badge = () => ext.worker.evaluate(() => chrome.action.getBadgeText({}));
const callNotifications = () =>
  ext.worker.evaluate(async () =>
    Object.keys(await chrome.notifications.getAll()).filter((id) =>
      id.startsWith('loopdesk-call:'),
    ),
  );

test('a ringing call pops the caller’s insights, and the panel follows it to the end', async () => {
  await postCall('E2E-CA-1', 'ringing');
  await expect(panel.getByTestId('call')).toContainText(`Ringing: ${harper.name}`);
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(harper.name);
  await expect(panel.getByRole('heading', { name: 'Next best actions' })).toBeVisible();
  // The panel page here is a tab, not Chrome's side panel: the worker rings on the toolbar
  // button and in a notification, as it does when the side panel is closed.
  await expect.poll(badge).toBe('RING');
  await expect.poll(callNotifications).toEqual(['loopdesk-call:twilio:E2E-CA-1']);

  await postCall('E2E-CA-1', 'connected');
  await expect(panel.getByTestId('call')).toContainText(`On call: ${harper.name}`);
  await expect.poll(badge).toBe('CALL');
  await expect.poll(callNotifications).toEqual([]);

  await postCall('E2E-CA-1', 'ended');
  await expect(panel.getByTestId('call')).toContainText(`Call ended: ${harper.name}`);
  await expect.poll(badge).toBe('');
  await panel.getByRole('button', { name: 'Back to this tab’s customer' }).click();
  await expect(panel.getByRole('heading', { name: 'No customer on this page' })).toBeVisible();
});

test('the stream resumes after the backend restarts, with the call rung meanwhile', async () => {
  test.setTimeout(180_000);
  await backend.stop();
  await backend.start();
  // Rung before the extension has reconnected: it comes with the resumed stream.
  await postCall('E2E-CA-2', 'ringing');
  await expect(panel.getByTestId('call')).toContainText(`Ringing: ${harper.name}`, {
    timeout: 60_000,
  });
  await postCall('E2E-CA-2', 'ended');
  await expect(panel.getByTestId('call')).toContainText('Call ended');
});

/**
 * Twilio's request signature, computed as Twilio documents it (twilio.com/docs/usage/security,
 * "Validating Signatures from Twilio"): HMAC-SHA1 with the auth token over the full URL followed
 * by each POST parameter's name and value, sorted by name; base64.
 */
function twilioSignature(url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url);
  return createHmac('sha1', twilioAuthToken).update(data).digest('base64');
}

test('Twilio’s signed status callbacks ring the agent’s panel; a forged one is refused', async () => {
  const url = `${backend.url}/v1/webhooks/twilio`;
  const post = (params: Record<string, string>, signature = twilioSignature(url, params)) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
      },
      body: new URLSearchParams(params).toString(),
    });
  // The agent's Voice SDK client identity is their LoopDesk name (To: client:<identity>).
  const ringing = {
    CallSid: 'CAe2e00000000000000000000000000001',
    CallStatus: 'ringing',
    From: harper.phone,
    To: `client:${agent}`,
    Direction: 'inbound',
  };
  const forged = await post({ ...ringing, CallSid: 'CAforged' }, 'bm90IGEgc2lnbmF0dXJl');
  expect(forged.status).toBe(401);
  expect((await post(ringing)).status).toBe(202);
  await expect(panel.getByTestId('call')).toContainText(`Ringing: ${harper.name}`);
  expect((await post({ ...ringing, CallStatus: 'completed' })).status).toBe(202);
  await expect(panel.getByTestId('call')).toContainText(`Call ended: ${harper.name}`);
});
