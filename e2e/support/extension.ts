import { chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestTrackerOrigin } from './request-tracker.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const fixturesDir = join(repoRoot, 'e2e', 'fixtures', 'crm');
const chatFixturesDir = join(repoRoot, 'e2e', 'fixtures', 'chat');

/**
 * The e2e build: `vite build` (the store package adds only `--mode store`, which drops the
 * benchmark marks) plus LOOPDESK_E2E_GRANT_HOSTS=1, which grants the built-in
 * CRM origins at install (see vite.config.ts) because a headless test cannot click Chrome's
 * permission prompt. The options page still requests them at click time; the request simply
 * resolves true at once. Built once per test worker into a temporary folder.
 */
/**
 * Self-hosted CRM origins the tests serve pages at (Request Tracker fixtures, a rule-adapter
 * CRM, the Chatwoot fixtures).
 */
export const selfHostedTestOrigins = [
  'https://rt.example.com/*',
  'https://crm.example.net/*',
  'https://chat.acme-outdoor.example/*',
  // The real Request Tracker that .ci/start-rt.sh runs (e2e/request-tracker.spec.ts).
  `${requestTrackerOrigin()}/*`,
];

export function buildExtensionForTests(): string {
  const outDir = join(tmpdir(), `loopdesk-dist-e2e-${process.pid}`);
  if (!existsSync(join(outDir, 'manifest.json'))) {
    execFileSync(
      process.execPath,
      [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          LOOPDESK_E2E_GRANT_HOSTS: '1',
          LOOPDESK_E2E_EXTRA_HOSTS: selfHostedTestOrigins.join(' '),
          LOOPDESK_OUT_DIR: outDir,
        },
        stdio: 'inherit',
      },
    );
  }
  return outDir;
}

export interface LoadedExtension {
  context: BrowserContext;
  worker: Worker;
  id: string;
  profileDir: string;
  close(): Promise<void>;
}

export async function launchWithExtension(
  distDir: string,
  extraArgs: string[] = [],
  options: { profileDir?: string; keepProfile?: boolean; keepInstallOptionsPage?: boolean } = {},
): Promise<LoadedExtension> {
  const profileDir = options.profileDir ?? mkdtempSync(join(tmpdir(), 'loopdesk-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      `--disable-extensions-except=${distDir}`,
      `--load-extension=${distDir}`,
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      ...extraArgs,
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const id = new URL(worker.url()).host;
  // A first install opens the options page by itself; left open, it races the tests' own visit.
  if (!options.profileDir && !options.keepInstallOptionsPage)
    await closeInstallOptionsPage(context, id);
  return {
    context,
    worker,
    id,
    profileDir,
    async close() {
      await context.close();
      if (!options.keepProfile) rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Waits (up to 10 s) for the options page a first install opens, and closes it. */
async function closeInstallOptionsPage(context: BrowserContext, id: string): Promise<void> {
  const optionsUrl = `chrome-extension://${id}/extension/options/`;
  for (let waited = 0; waited < 10_000; waited += 100) {
    const page = context.pages().find((p) => p.url().startsWith(optionsUrl));
    if (page) {
      await page.close();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface CrmFixture {
  fixture: string;
  url: string;
  expectedRef: Record<string, string> | null;
  /** The folder the page is in (set by the loaders). */
  dir?: string;
}

function fixturesIn(dir: string): CrmFixture[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.cases.json'))
    .sort()
    .flatMap((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as CrmFixture[])
    .map((fixture) => ({ ...fixture, dir }));
}

export function crmFixtures(): CrmFixture[] {
  return fixturesIn(fixturesDir);
}

/** The chat consoles' recorded conversation pages (e2e/fixtures/chat). */
export function chatFixtures(): CrmFixture[] {
  return fixturesIn(chatFixturesDir);
}

/** Serves the recorded CRM pages at their real origins: any path of a fixture's host gets its page. */
export async function serveFixtures(
  context: BrowserContext,
  fixtures: CrmFixture[],
): Promise<void> {
  const byOrigin = new Map<string, { path: string; html: string }[]>();
  for (const fixture of fixtures) {
    const url = new URL(fixture.url);
    if (url.protocol !== 'https:') continue;
    const html = readFileSync(join(fixture.dir ?? fixturesDir, fixture.fixture), 'utf8');
    const list = byOrigin.get(url.origin) ?? [];
    list.push({ path: url.pathname + url.search, html });
    byOrigin.set(url.origin, list);
  }
  for (const [origin, pages] of byOrigin) {
    await context.route(`${origin}/**`, (route) => {
      const url = new URL(route.request().url());
      const exact = pages.find((p) => p.path === url.pathname + url.search);
      const samePath = pages.find((p) => p.path.split('?')[0] === url.pathname);
      const page = exact ?? samePath ?? pages[0];
      return route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: page?.html ?? '',
      });
    });
  }
}

/** Fills the options page as an admin would: backend, token, and the CRMs to enable. */
export async function configureThroughOptions(
  ext: LoadedExtension,
  settings: {
    backendUrl: string;
    token: string;
    crms: string[];
    selfHosted?: Record<string, string>;
    /** Softphones to enable, by their label on the options page. */
    softphones?: string[];
  },
): Promise<void> {
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.id}/extension/options/index.html`);
  await page.getByLabel('Backend URL').fill(settings.backendUrl);
  await page.getByLabel(/^Token/).fill(settings.token);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  // Save checks the backend and the token (GET /v1/whoami, through the worker).
  await page.getByText(/^Connected as .+ \((csr|supervisor|admin)\)\.$/).waitFor();
  for (const [crm, origin] of Object.entries(settings.selfHosted ?? {})) {
    await page.getByLabel(`Address of your ${crm}`).fill(origin);
  }
  for (const crm of settings.crms) {
    await page.getByRole('button', { name: `Enable ${crm}`, exact: true }).click();
    await page.getByRole('button', { name: `Disable ${crm}`, exact: true }).waitFor();
  }
  for (const phone of settings.softphones ?? []) {
    await page.getByRole('button', { name: `Enable ${phone}`, exact: true }).click();
    await page.getByRole('button', { name: `Disable ${phone}`, exact: true }).waitFor();
  }
  await page.close();
}

/** Chrome's id for the tab showing this page (the worker can see URLs of granted origins). */
export async function tabIdOf(ext: LoadedExtension, page: Page): Promise<number> {
  const url = page.url();
  const id = await ext.worker.evaluate(async (target) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((tab) => tab.url === target)?.id ?? null;
  }, url);
  if (id === null) throw new Error(`no tab shows ${url}`);
  return id;
}

/** Opens the side panel's page in a tab, pinned to one CRM tab (see extension/sidepanel/api.ts). */
export async function openPanelFor(ext: LoadedExtension, tabId: number): Promise<Page> {
  const panel = await ext.context.newPage();
  await panel.goto(`chrome-extension://${ext.id}/extension/sidepanel/index.html?tabId=${tabId}`);
  return panel;
}

/** axe-core's violations on the page; `targets` names the offending elements (CSS selectors). */
export async function runAxe(
  page: Page,
): Promise<{ id: string; impact: string | null; nodes: number; targets: string[] }[]> {
  // Extension pages forbid inline scripts (CSP), so page.addScriptTag cannot add axe there;
  // evaluating its source through the DevTools protocol is not subject to the page's CSP.
  await page.evaluate(
    readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'),
  );
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{
            violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.length,
      targets: v.nodes.map((node) => node.target.map(String).join(' ')),
    }));
  });
}
