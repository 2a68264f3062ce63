/**
 * Time to insight on a chat console (issue 16): from the CSR switching conversation to the side
 * panel showing that conversation's customer, in real Chromium with the built extension and the
 * real backend on this machine (loopback only).
 * The console is a page shaped like the rebuilt Chatwoot fixtures (e2e/fixtures/chat), served at
 * a test origin for the built-in Chatwoot adapter: a list of conversations and the contact panel
 * of the open one. Switching changes the address first (history.pushState, as the console's
 * router does), then renders the conversation's contact in place. The clock starts at pushState
 * and stops at the panel's `loopdesk:insights-shown` mark for that customer; both are read as
 * performance.timeOrigin + startTime, one machine clock.
 * Uncached: each switch goes to a conversation the panel has not shown. Cached: switching back
 * over the same conversations, which the panel's query cache holds; each must show the
 * conversation's first decision again (checked, and printed as `same_decision`).
 * Goal: p95 < 100 ms uncached, < 30 ms cached (the issue's switching goal).
 *   npx tsx bench/chat-time-to-insight.bench.ts   (BENCH_SWITCHES, default 50)
 */
import type { Page } from '@playwright/test';
import { Backend, freePort } from '../e2e/support/backend.ts';
import {
  buildExtensionForTests,
  configureThroughOptions,
  launchWithExtension,
  openPanelFor,
  tabIdOf,
  type LoadedExtension,
} from '../e2e/support/extension.ts';
import { insightsShownMark } from '../extension/shared/timing-marks.ts';
import { waitForMark } from './lib/panel-marks.ts';
import { latencySummary, note, printFigure } from './lib/stats.ts';

const SWITCHES = Number(process.env.BENCH_SWITCHES ?? 50);
const WARMUP = 5;
const CONVERSATIONS = SWITCHES + WARMUP + 1;
const CONSOLE_ORIGIN = 'https://chat.acme-outdoor.example';
const CHATWOOT_LABEL = 'Chatwoot (self-hosted)';

const customerId = (n: number) => `BENCH-CHAT-${String(n).padStart(4, '0')}`;
const conversationPath = (n: number) => `/app/accounts/1/conversations/${5000 + n}`;

/**
 * The console page: its script renders conversation n's contact panel (the markup the Chatwoot
 * adapter reads) and switches conversation as the console's router would.
 */
function consolePage(): string {
  const contacts = Array.from({ length: CONVERSATIONS }, (_, n) => ({
    name: `Bench Chat ${n}`,
    email: `bench.chat.${n}@example.com`,
    contact: 9000 + n,
  }));
  return `<!doctype html><html><head><title>Chatwoot</title></head><body>
<nav>${contacts.map((_, n) => `<a href="${conversationPath(n)}">#${5000 + n}</a>`).join('')}</nav>
<main><p>Hello, a question about my order.</p><div id="panel"></div></main>
<script>
const contacts = ${JSON.stringify(contacts)};
function render(n) {
  const c = contacts[n];
  document.getElementById('panel').innerHTML =
    '<div><div><h3>' + c.name + '</h3><a href="/app/accounts/1/contacts/' + c.contact +
    '" target="_blank"></a></div><div><a href="mailto:' + c.email + '"><span title="' + c.email +
    '">' + c.email + '</span></a></div></div>';
}
window.__benchSwitches = [];
window.__switchTo = (n) => {
  window.__benchSwitches.push(performance.timeOrigin + performance.now());
  history.pushState(null, '', '/app/accounts/1/conversations/' + (5000 + n));
  render(n);
};
render(Number(location.pathname.split('/').pop()) - 5000);
</script></body></html>`;
}

/** Switches to conversation n; ms from its pushState to the panel's mark, and the decision shown. */
async function switchAndTime(
  crm: Page,
  panel: Page,
  n: number,
): Promise<{ ms: number; decisionId: string }> {
  const switchedAt = await crm.evaluate((target) => {
    const page = window as unknown as { __switchTo(n: number): void; __benchSwitches: number[] };
    page.__switchTo(target);
    return page.__benchSwitches.at(-1) ?? 0;
  }, n);
  const { at, detail } = await waitForMark(
    panel,
    insightsShownMark,
    { customerId: customerId(n) },
    switchedAt,
  );
  const decisionId = String(detail.decisionId);
  return { ms: at - switchedAt, decisionId };
}

async function main(): Promise<void> {
  note('building the extension, starting the backend with the demo data and Chromium…');
  delete process.env.VITE_LOOPDESK_CONTENT_TIMING;
  const dist = buildExtensionForTests();
  const backend = new Backend(await freePort());
  let ext: LoadedExtension | undefined;
  try {
    await backend.start({ seedDemo: true });
    await backend.importCsv(
      'customers',
      'customer_id,name,email',
      Array.from({ length: CONVERSATIONS }, (_, n) => [
        customerId(n),
        `Bench Chat ${n}`,
        `bench.chat.${n}@example.com`,
      ]),
    );
    const token = await backend.createToken('bench-chat-agent');
    ext = await launchWithExtension(dist);
    const html = consolePage();
    await ext.context.route(`${CONSOLE_ORIGIN}/**`, (route) =>
      new URL(route.request().url()).pathname.startsWith('/api/')
        ? route.fulfill({ status: 401, body: '' })
        : route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await configureThroughOptions(ext, {
      backendUrl: backend.url,
      token,
      crms: [CHATWOOT_LABEL],
      selfHosted: { [CHATWOOT_LABEL]: CONSOLE_ORIGIN },
    });

    const crm = await ext.context.newPage();
    await crm.goto(`${CONSOLE_ORIGIN}${conversationPath(0)}`);
    const panel = await openPanelFor(ext, await tabIdOf(ext, crm));
    await panel.locator(`article[data-insights-shown="${customerId(0)}"]`).waitFor({
      timeout: 30_000,
    });

    note(`${SWITCHES + WARMUP} switches to conversations not shown before…`);
    const uncached: number[] = [];
    const decisions = new Map<number, string>();
    for (let n = 1; n <= SWITCHES + WARMUP; n++) {
      const { ms, decisionId } = await switchAndTime(crm, panel, n);
      decisions.set(n, decisionId);
      if (n > WARMUP) uncached.push(ms);
    }
    printFigure('extension.chat_switch.uncached', {
      switches: uncached.length,
      ...latencySummary(uncached),
      goal_p95_ms: 100,
    });

    note('switches back over the same conversations (panel cache)…');
    const cached: number[] = [];
    let sameDecision = 0;
    for (let n = SWITCHES + WARMUP - 1; n >= 1; n--) {
      const { ms, decisionId } = await switchAndTime(crm, panel, n);
      if (decisionId === decisions.get(n)) sameDecision++;
      if (n <= SWITCHES) cached.push(ms);
    }
    printFigure('extension.chat_switch.cached', {
      switches: cached.length,
      ...latencySummary(cached),
      goal_p95_ms: 30,
      same_decision: `${sameDecision}/${SWITCHES + WARMUP - 1}`,
    });
  } finally {
    await ext?.close();
    await backend.dispose();
  }
}

const watchdog = setTimeout(() => {
  console.error('chat-time-to-insight: gave up after 5 minutes');
  process.exit(1);
}, 5 * 60_000);
watchdog.unref();
await main();
