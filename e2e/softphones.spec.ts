import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { SoftphoneCall } from '../src/contract/softphone-call.ts';
import { softphoneCatalogue } from '../extension/shared/softphone-catalogue.ts';
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

// Every softphone fixture (e2e/fixtures/softphone: rebuilt pages and message sequences, each
// saying what it mirrors) through the built extension at the softphone's real origin: the
// panel's call banner follows what the fixture says the call is.

const fixturesDir = join(import.meta.dirname, 'fixtures', 'softphone');
const agent = 'e2e-softphone-agent';

interface PageCase {
  fixture: string;
  url: string;
  expectedCall: SoftphoneCall | null;
}
interface MessageFixture {
  adapter: string;
  origin: string;
  ownWindow?: boolean;
  pageUrl?: string;
  sequences: { name: string; steps: { data: unknown; expectedCall: SoftphoneCall | null }[] }[];
}

const pageCases = JSON.parse(
  readFileSync(join(fixturesDir, 'twilio-flex.cases.json'), 'utf8'),
) as PageCase[];
const messageFixtures = readdirSync(fixturesDir)
  .filter((name) => name.endsWith('.messages.json'))
  .sort()
  .map((name) => JSON.parse(readFileSync(join(fixturesDir, name), 'utf8')) as MessageFixture);

/** A customer per valid number the fixtures show, so a known caller's name can be expected. */
const callers = new Map<string, string>();
for (const call of [
  ...pageCases.map((c) => c.expectedCall),
  ...messageFixtures.flatMap((f) => f.sequences.flatMap((s) => s.steps.map((t) => t.expectedCall))),
]) {
  const e164 = call?.remote ? parsePhoneNumberFromString(call.remote, 'US') : undefined;
  if (e164?.isValid() && !callers.has(e164.number)) {
    callers.set(e164.number, `Softphone Caller ${callers.size + 1}`);
  }
}

const phaseWords = {
  ringing: 'Ringing',
  connected: 'On call',
  held: 'On hold',
  ended: 'Call ended',
} as const;

/** What the banner says of a call: the phase, and the caller's name or why there is none. */
function bannerOf(call: SoftphoneCall): string {
  const e164 = call.remote ? parsePhoneNumberFromString(call.remote, 'US') : undefined;
  const known = e164?.isValid() ? callers.get(e164.number) : undefined;
  const who = call.withheld
    ? 'Withheld number'
    : known
      ? known
      : call.remote
        ? `Unknown caller ${call.remote}`
        : 'Unknown caller';
  return `${phaseWords[call.phase]}: ${who}`;
}

let backend: Backend;
let ext: LoadedExtension;
let panel: Page;
const host = crmFixtures().filter((f) => f.fixture === 'zendesk.views-list.html');

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ backend: shared, extensionDist }) => {
  test.setTimeout(240_000);
  backend = shared;
  await backend.importCsv(
    'customers',
    'customer_id,name,phone',
    [...callers].map(([phone, name], i) => [`E2E-SP-${i + 1}`, name, phone]),
  );
  const token = await backend.createToken(agent);
  ext = await launchWithExtension(extensionDist);
  await serveFixtures(ext.context, host);
  await configureThroughOptions(ext, {
    backendUrl: backend.url,
    token,
    crms: ['Zendesk Support'],
    softphones: softphoneCatalogue.map((phone) => phone.label),
  });
  // The panel follows the calls of the whole browser; pinned here to a quiet CRM tab.
  const quiet = await ext.context.newPage();
  await quiet.goto(host[0]!.url);
  panel = await openPanelFor(ext, await tabIdOf(ext, quiet));
  await expect(panel.getByRole('heading', { name: 'No customer on this page' })).toBeVisible();
});

test.afterAll(async () => {
  await ext?.close();
});

/** The banner says this call, or (null) no call is going on. */
async function expectBanner(expected: SoftphoneCall | null): Promise<void> {
  const banner = panel.getByTestId('call');
  if (expected) {
    await expect(banner).toHaveAttribute('data-phase', expected.phase);
    await expect(banner).toContainText(bannerOf(expected));
    return;
  }
  await expect
    .poll(async () => ((await banner.count()) ? await banner.getAttribute('data-phase') : 'none'))
    .toMatch(/^(none|ended)$/);
}

test('Twilio Flex: each recorded page’s call shows in the panel', async () => {
  const flex = await ext.context.newPage();
  let shown = pageCases[0]!;
  await ext.context.route('https://flex.twilio.com/**', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: readFileSync(join(fixturesDir, shown.fixture), 'utf8'),
    }),
  );
  for (const page of pageCases) {
    await test.step(page.fixture, async () => {
      shown = page;
      await flex.goto(page.url);
      await expectBanner(page.expectedCall);
    });
  }
  await flex.close();
  await expectBanner(null);
});

for (const fixture of messageFixtures) {
  test(`${fixture.adapter}: every recorded message sequence drives the panel`, async () => {
    // The softphone's page (its own tab) or the widget embedded in a CRM page, at its origin.
    await ext.context.route(`${fixture.origin}/**`, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><meta charset="utf-8"><title>softphone</title><main></main>',
      }),
    );
    for (const sequence of fixture.sequences) {
      await test.step(sequence.name, async () => {
        const tab = await ext.context.newPage();
        let post: (data: unknown) => Promise<void>;
        if (fixture.ownWindow) {
          await tab.goto(fixture.pageUrl ?? `${fixture.origin}/`);
          post = (data) => tab.evaluate((d) => window.postMessage(d, '*'), data);
        } else {
          await tab.goto(host[0]!.url);
          const widgetUrl = `${fixture.origin}/widget.html`;
          await tab.evaluate((src) => {
            const frame = document.createElement('iframe');
            frame.src = src;
            document.body.append(frame);
          }, widgetUrl);
          await expect.poll(() => tab.frames().some((f) => f.url() === widgetUrl)).toBe(true);
          const widget = tab.frames().find((f) => f.url() === widgetUrl)!;
          await widget.waitForLoadState();
          post = (data) => widget.evaluate((d) => parent.postMessage(d, '*'), data);
        }
        let lastShown: SoftphoneCall | null = null;
        for (const step of sequence.steps) {
          await post(step.data);
          if (step.expectedCall) lastShown = step.expectedCall;
          await expectBanner(
            step.expectedCall ?? (lastShown ? { ...lastShown, phase: 'ended' } : null),
          );
        }
        // A softphone tab closed mid-call ends its call.
        await tab.close();
        await expectBanner(null);
      });
    }
  });
}

test('a message posted by the CRM page itself, or from another origin, is no call', async () => {
  await ext.context.route('https://evil.example/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><p>x</p>' }),
  );
  const tab = await ext.context.newPage();
  await tab.goto(host[0]!.url);
  const ring = (id: string) => ({
    type: 'rc-call-ring-notify',
    call: { id, direction: 'Inbound', from: '+16505550100', to: '+18007005555' },
  });
  const frameAt = async (src: string) => {
    await tab.evaluate((url) => {
      const frame = document.createElement('iframe');
      frame.src = url;
      document.body.append(frame);
    }, src);
    await expect.poll(() => tab.frames().some((f) => f.url() === src)).toBe(true);
    const frame = tab.frames().find((f) => f.url() === src)!;
    await frame.waitForLoadState();
    return frame;
  };
  await tab.evaluate((d) => window.postMessage(d, '*'), ring('forged-by-page'));
  const evil = await frameAt('https://evil.example/widget.html');
  await evil.evaluate((d) => parent.postMessage(d, '*'), ring('forged-by-origin'));
  const real = await frameAt('https://apps.ringcentral.com/widget.html');
  await real.evaluate((d) => parent.postMessage(d, '*'), ring('real-1'));
  await expectBanner({
    softphone: 'ringcentral-embeddable',
    phase: 'ringing',
    remote: '+16505550100',
    withheld: false,
  });
  // The worker reported the real call to the backend (it becomes a contact); never the others.
  const reported = async () =>
    (
      await backend.admin<{ target: string | null }[]>(
        'GET',
        '/v1/audit?action=call.event&limit=1000',
      )
    )
      .map((entry) => entry.target ?? '')
      .filter((target) => target.startsWith('ringcentral-embeddable:'));
  await expect.poll(reported).toContain('ringcentral-embeddable:real-1');
  expect(await reported()).not.toContain('ringcentral-embeddable:forged-by-page');
  expect(await reported()).not.toContain('ringcentral-embeddable:forged-by-origin');
  await tab.close();
  await expectBanner(null);
});
