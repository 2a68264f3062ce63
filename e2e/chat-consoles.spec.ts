import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { Backend } from './support/backend.ts';
import { expect, test } from './support/fixtures.ts';
import {
  chatFixtures,
  configureThroughOptions,
  launchWithExtension,
  openPanelFor,
  serveFixtures,
  tabIdOf,
  type CrmFixture,
  type LoadedExtension,
} from './support/extension.ts';
import { seedFromFixtures, seedNextBestActions, type SeededCustomer } from './support/seed.ts';

const fixtures = chatFixtures();
const chatwootOrigin = 'https://chat.acme-outdoor.example';
const consoles = [
  { id: 'intercom', label: 'Intercom inbox' },
  { id: 'front', label: 'Front' },
  { id: 'helpscout', label: 'Help Scout' },
  { id: 'gorgias', label: 'Gorgias' },
  { id: 'livechat', label: 'LiveChat' },
  { id: 'kustomer', label: 'Kustomer' },
  { id: 'freshchat', label: 'Freshchat' },
  { id: 'chatwoot', label: 'Chatwoot (self-hosted)' },
] as const;
const noIdentifier = 'This conversation shows no email or phone';

const chatDir = (fixture: CrmFixture) => fixture.dir ?? '';
const fixtureNamed = (name: string) => {
  const found = fixtures.find((f) => f.fixture === name);
  if (!found) throw new Error(`no chat fixture ${name}`);
  return found;
};
const apiAnswer = (name: string) =>
  readFileSync(join(chatDir(fixtures[0]!), name), 'utf8').replace(/"_fixture": "[^"]*",\s*/, '');
const namesCustomer = (ref: Record<string, string> | null) =>
  Boolean(ref && (ref.id || ref.email || ref.phone));

/**
 * Intercom names its conversations' customers only through its /ember answer: those customers
 * are the ones the answers saved beside the pages name.
 */
const intercomCustomers: CrmFixture[] = [
  ['intercom.conversation.html', 'intercom.conversation-api.json'],
  ['intercom.second-conversation.html', 'intercom.second-conversation-api.json'],
].map(([page, answer]) => {
  const user = (JSON.parse(apiAnswer(answer!)) as { user_summary: Record<string, string> })
    .user_summary;
  return {
    ...fixtureNamed(page!),
    expectedRef: { crm: 'intercom', type: 'user', email: user.email!, displayName: user.name! },
  };
});

let backend: Backend;
let ext: LoadedExtension;
let seeded: Map<string, SeededCustomer>;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ backend: shared, extensionDist }) => {
  test.setTimeout(240_000);
  backend = shared;
  seeded = await seedFromFixtures(backend, [
    ...fixtures.filter(
      (f) => f.fixture.split('.')[0] !== 'intercom' && namesCustomer(f.expectedRef),
    ),
    ...intercomCustomers,
  ]);
  await seedNextBestActions(backend);
  const token = await backend.createToken('e2e-chat-agent');
  ext = await launchWithExtension(extensionDist);
  await serveFixtures(ext.context, fixtures);
  // Intercom's /ember answers: the two saved ones; the third conversation's is refused.
  await ext.context.route('https://app.intercom.com/ember/inbox/conversations/**', (route) => {
    const id = new URL(route.request().url()).pathname.split('/').at(-1);
    if (id === unknownIntercomConversation) {
      const known = JSON.parse(apiAnswer('intercom.conversation-api.json')) as {
        user_summary: Record<string, string>;
      };
      const body = JSON.stringify({
        ...known,
        id: Number(unknownIntercomConversation),
        user_summary: {
          ...known.user_summary,
          id: 'ffffffffffffffffffffffff',
          email: unknownEmail,
        },
      });
      return route.fulfill({ status: 200, contentType: 'application/json', body });
    }
    const answer = {
      '215470000000123': 'intercom.conversation-api.json',
      '215470000000124': 'intercom.second-conversation-api.json',
    }[id ?? ''];
    return answer
      ? route.fulfill({ status: 200, contentType: 'application/json', body: apiAnswer(answer) })
      : route.fulfill({ status: 403, contentType: 'application/json', body: '{}' });
  });
  await configureThroughOptions(ext, {
    backendUrl: backend.url,
    token,
    crms: consoles.map((c) => c.label),
    selfHosted: { 'Chatwoot (self-hosted)': chatwootOrigin },
  });
});

test.afterAll(async () => {
  await ext?.close();
});

/** What the panel shows for a fixture's conversation: its customer's name, or "shows none". */
function expectedHeading(fixture: CrmFixture): string {
  return seeded.get(fixture.fixture)?.name ?? noIdentifier;
}

/**
 * The CSR clicks another conversation in the console: the address changes first (pushState, as
 * single-page consoles do), then the console renders that conversation in place.
 */
async function switchConversation(
  crm: Page,
  to: CrmFixture,
  html = readFileSync(join(chatDir(to), to.fixture), 'utf8'),
): Promise<void> {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? '';
  const title = /<title>([^<]*)<\/title>/i.exec(html)?.[1] ?? '';
  await crm.evaluate(
    ([url, markup, heading]) => {
      history.pushState(null, '', url);
      document.body.innerHTML = markup as string;
      document.title = (heading as string).replace(/&amp;/g, '&');
    },
    [to.url, body, title] as const,
  );
}

/** What no seeded customer has: an email, a record id, a conversation Intercom names nobody in. */
const unknownEmail = 'nobody.known@example.net';
const unknownIntercomConversation = '215470000000126';

/**
 * The first conversation of a console, but of a customer LoopDesk does not know: its page with
 * the customer's email and record id swapped for unknown ones (Kustomer: the customer id in the
 * address; Intercom: another conversation, whose /ember answer names an unknown user). Null for
 * the consoles whose conversations never name a customer.
 */
function unknownVariant(first: CrmFixture): { fixture: CrmFixture; html: string } | null {
  const ref = first.expectedRef;
  if (!ref || !namesCustomer(ref)) {
    if (!first.fixture.startsWith('intercom.')) return null;
    const url = first.url.replace(/\d+$/, unknownIntercomConversation);
    return {
      fixture: { ...first, url },
      html: readFileSync(join(chatDir(first), first.fixture), 'utf8'),
    };
  }
  let html = readFileSync(join(chatDir(first), first.fixture), 'utf8');
  let url = first.url;
  if (ref.email) html = html.split(ref.email).join(unknownEmail);
  if (ref.id) {
    const otherId = ref.id.replace(/[0-9a-f]$/, (last) => (last === '9' ? '8' : '9'));
    html = html.split(ref.id).join(otherId);
    url = url.split(ref.id).join(otherId);
  }
  if (ref.phone) html = html.split(ref.phone).join('+1 415 555 0199');
  return { fixture: { ...first, url }, html };
}

test('each chat console follows the focused conversation, says when one names nobody, and when its customer is unknown', async () => {
  test.setTimeout(180_000);
  const crm = await ext.context.newPage();
  let panel: Page | undefined;
  for (const { id } of consoles) {
    await test.step(id, async () => {
      const [first, second] = [`${id}.conversation.html`, `${id}.second-conversation.html`].map(
        fixtureNamed,
      );
      await crm.goto(first!.url);
      panel ??= await openPanelFor(ext, await tabIdOf(ext, crm));
      const heading = panel.getByRole('heading', { level: 1 });
      await expect(heading).toHaveText(expectedHeading(first!));
      await switchConversation(crm, second!);
      await expect(heading).toHaveText(expectedHeading(second!));
      await switchConversation(crm, first!);
      await expect(heading).toHaveText(expectedHeading(first!));
      const third = fixtures.find((f) => f.fixture === `${id}.no-identifier.html`);
      if (third) {
        await switchConversation(crm, third);
        await expect(panel.getByRole('heading', { name: noIdentifier })).toBeVisible();
        await expect(panel.getByTestId('no-identifier')).toContainText(
          `conversation ${third.expectedRef?.context}`,
        );
      }
      const unknown = unknownVariant(first!);
      if (unknown) {
        await switchConversation(crm, unknown.fixture, unknown.html);
        await expect(heading).toHaveText('Unknown customer');
      }
    });
  }
  await crm.close();
  await panel?.close();
});

test('an outcome recorded in one of several conversations stays with that conversation, which becomes a chat contact', async () => {
  const first = fixtureNamed('helpscout.conversation.html');
  const second = fixtureNamed('helpscout.second-conversation.html');
  const customer = seeded.get(first.fixture)!;
  const crm = await ext.context.newPage();
  await crm.goto(first.url);
  const panel = await openPanelFor(ext, await tabIdOf(ext, crm));
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(customer.name);
  const action = panel.getByTestId('next-best-action').first();
  const treatment = (await action.getByRole('heading').first().innerText()).trim();
  await switchConversation(crm, second);
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(
    seeded.get(second.fixture)!.name,
  );
  await switchConversation(crm, first);
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText(customer.name);
  await panel
    .getByRole('group', { name: `Outcome for ${treatment}` })
    .getByRole('button', { name: 'Accepted', exact: true })
    .click();
  await expect(panel.getByRole('status').filter({ hasText: /^Recorded: Accepted/ })).toBeVisible();

  // One decision for the conversation, however often the CSR came back to it, with the outcome.
  const decisionsOf = async () =>
    (
      (await backend.get(`/v1/decisions?customerId=${customer.customerId}`, backend.adminToken))
        .body as { context: string | null; outcomes: { result: string }[] }[]
    ).filter((d) => d.context === first.expectedRef?.context);
  await expect
    .poll(async () => (await decisionsOf()).map((d) => d.outcomes.map((o) => o.result)))
    .toEqual([['accepted']]);
  // The conversation is now a chat contact: KPIs by channel count it under "chat".
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const kpis = await backend.get(
    `/v1/kpis?from=${today}&to=${tomorrow}&groupBy=channel`,
    backend.adminToken,
  );
  const chat = (
    kpis.body as {
      rows: { group: string | null; kpis: { firstContactResolution: { denominator: number } } }[];
    }
  ).rows.find((row) => row.group === 'chat');
  expect(chat?.kpis.firstContactResolution.denominator).toBe(1);
  await crm.close();
  await panel.close();
});

test('Chatwoot: its API runs in the page’s own world with the sign-in headers; an unknown contact is said so', async () => {
  const session = { 'access-token': 'e2e-access', client: 'e2e-client', uid: 'agent@example.com' };
  const page = `${chatwootOrigin}/app/accounts/1/conversations/4220`;
  // A conversation page with its contact panel closed, and the dashboard's session cookie as its
  // script sets it (chatwoot/chatwoot app/javascript/dashboard/store/utils/api.js, js-cookie).
  await ext.context.route(page, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body:
        '<!doctype html><title>Chatwoot</title><script>document.cookie = "cw_d_session_info=" + ' +
        `encodeURIComponent(${JSON.stringify(JSON.stringify(session))}) + "; path=/";</script>` +
        '<main><p>Hello?</p></main>',
    }),
  );
  const headersSeen: Record<string, string>[] = [];
  await ext.context.route(`${chatwootOrigin}/api/v1/accounts/1/conversations/4220`, (route) => {
    headersSeen.push(route.request().headers());
    const answer = JSON.parse(apiAnswer('chatwoot.no-identifier-api.json')) as { id: number };
    return route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ...answer, id: 4220 }),
    });
  });
  const crm = await ext.context.newPage();
  await crm.goto(page);
  const panel = await openPanelFor(ext, await tabIdOf(ext, crm));
  // The API named a contact no LoopDesk customer is tied to.
  await expect(panel.getByRole('heading', { name: 'Unknown customer' })).toBeVisible();
  expect(headersSeen).toHaveLength(1);
  expect(headersSeen[0]).toMatchObject(session);
  await crm.close();
  await panel.close();
});
