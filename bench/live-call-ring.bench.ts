/**
 * Ring to panel (issue 15): from the moment a call rings to the side panel showing the caller's
 * insights, in real Chromium with the built extension and the real backend (demo data, loopback).
 *
 * Softphone path: a CRM tab (Zendesk, served at its real origin) embeds RingCentral Embeddable's
 * iframe, served at https://apps.ringcentral.com; the iframe posts `rc-call-ring-notify` to the
 * CRM page as the widget does. The clock starts in the iframe just before its postMessage and
 * stops at the panel's `loopdesk:call-shown` mark for that call ringing (banner and insights in
 * the DOM); both read as performance.timeOrigin + startTime, one machine clock.
 * - uncached: each ring is a new call from a customer the panel has not shown;
 * - cached: a call rings again (back from a queue or a transfer) after the panel showed it once:
 *   the caller's insights are in the panel's query cache.
 * Server path: POST /v1/calls (what a telephony webhook becomes) for the agent, through the
 * backend's event stream to the open panel: clock from just before the POST to the same mark.
 * Goals: softphone p95 < 150 ms uncached, < 100 ms cached; server path p95 < 300 ms.
 *   npx tsx bench/live-call-ring.bench.ts   (BENCH_RINGS, default 40)
 */
import type { Frame, Page } from '@playwright/test';
import { Backend, freePort } from '../e2e/support/backend.ts';
import {
  buildExtensionForTests,
  configureThroughOptions,
  crmFixtures,
  launchWithExtension,
  openPanelFor,
  serveFixtures,
  tabIdOf,
  type LoadedExtension,
} from '../e2e/support/extension.ts';
import { callShownMark } from '../extension/shared/timing-marks.ts';
import { waitForMark } from './lib/panel-marks.ts';
import { latencySummary, note, printFigure } from './lib/stats.ts';

const RINGS = Number(process.env.BENCH_RINGS ?? 40);
const WARMUP = 3;
const agent = 'bench-call-agent';
const widgetOrigin = 'https://apps.ringcentral.com';
const widgetUrl = `${widgetOrigin}/integration/ringcentral-embeddable/latest/app.html`;

// The stand-in widget: on the bench's word it posts one Embeddable call event to its parent and
// keeps the time it did.
const widgetHtml = `<!doctype html><meta charset="utf-8"><title>widget</title><script>
window.__postedAt = [];
window.__ring = (type, call) => {
  window.__postedAt.push(performance.timeOrigin + performance.now());
  parent.postMessage({ type, call }, '*');
};
</script>`;

/** Epoch time of the panel's first call-shown mark for this call ringing, after `after`. */
async function shownAt(panel: Page, key: string, after: number): Promise<number> {
  const shown = await waitForMark(panel, callShownMark, { key, phase: 'ringing' }, after, 10_000);
  return shown.at;
}

interface Caller {
  customerId: string;
  phone: string;
}

/** Demo customers whose number names them alone (the demo has a few shared household phones). */
async function callersOf(backend: Backend, token: string, wanted: number): Promise<Caller[]> {
  const callers: Caller[] = [];
  for (let i = 1; callers.length < wanted && i < wanted * 4; i += 1) {
    const id = `CUST-${String(i).padStart(4, '0')}`;
    const byId = await backend.get(`/v1/insights?crm=demo&type=customer&id=${id}`, token);
    const phone = (byId.body as { customer?: { phone?: string | null } } | null)?.customer?.phone;
    if (!phone) continue;
    const byPhone = await backend.get(`/v1/insights?phone=${encodeURIComponent(phone)}`, token);
    if (byPhone.status === 200) callers.push({ customerId: id, phone });
  }
  return callers;
}

async function ringFromWidget(
  widget: Frame,
  panel: Page,
  callId: string,
  phone: string,
): Promise<number> {
  const call = {
    direction: 'Inbound',
    from: phone,
    to: '+16505550100',
    id: callId,
    partyData: { sessionId: callId },
  };
  const postedAt = await widget.evaluate(
    ([c]) => {
      (window as unknown as { __ring: (type: string, call: unknown) => void }).__ring(
        'rc-call-ring-notify',
        c,
      );
      return (window as unknown as { __postedAt: number[] }).__postedAt.at(-1)!;
    },
    [call] as const,
  );
  const shown = await shownAt(panel, `ringcentral-embeddable:${callId}`, postedAt);
  // Hung up, so the next ring is a call of its own.
  await widget.evaluate(
    ([c]) => {
      (window as unknown as { __ring: (type: string, call: unknown) => void }).__ring(
        'rc-call-end-notify',
        c,
      );
    },
    [call] as const,
  );
  await panel.getByText('Call ended', { exact: false }).first().waitFor({ timeout: 10_000 });
  return shown - postedAt;
}

async function main(): Promise<void> {
  note('building the extension, starting the backend with the demo data and Chromium…');
  const dist = buildExtensionForTests();
  const backend = new Backend(await freePort());
  let ext: LoadedExtension | undefined;
  try {
    await backend.start({ seedDemo: true });
    const token = await backend.createToken(agent);
    const callers = await callersOf(backend, token, 2 * (RINGS + WARMUP));
    note(`${callers.length} demo callers with a number of their own`);
    const softphoneCallers = callers.slice(0, RINGS + WARMUP);
    const serverCallers = callers.slice(RINGS + WARMUP);

    ext = await launchWithExtension(dist);
    const fixtures = crmFixtures().filter((f) => f.fixture === 'zendesk.views-list.html');
    await serveFixtures(ext.context, fixtures);
    await ext.context.route(`${widgetOrigin}/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: widgetHtml }),
    );
    await configureThroughOptions(ext, {
      backendUrl: backend.url,
      token,
      crms: ['Zendesk Support'],
      softphones: ['RingCentral Embeddable'],
    });
    const crm = await ext.context.newPage();
    await crm.goto(fixtures[0]!.url);
    await crm.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      frame.title = 'RingCentral Embeddable';
      document.body.append(frame);
    }, widgetUrl);
    const widget = await (async () => {
      for (let i = 0; i < 100; i += 1) {
        const frame = crm.frames().find((f) => f.url() === widgetUrl);
        if (frame) {
          await frame.waitForFunction(() => '__ring' in window);
          return frame;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('the widget frame never loaded');
    })();
    const panel = await openPanelFor(ext, await tabIdOf(ext, crm));
    await panel.getByRole('heading', { name: 'No customer on this page' }).waitFor();

    const deadline = Date.now() + 150_000;
    note(`${RINGS + WARMUP} new calls from the embedded softphone…`);
    const uncached: number[] = [];
    for (const [i, caller] of softphoneCallers.entries()) {
      if (Date.now() > deadline) break;
      const ms = await ringFromWidget(widget, panel, `bench-rc-${i}`, caller.phone);
      if (i >= WARMUP) uncached.push(ms);
    }
    printFigure('live_call.ring_to_panel.softphone_uncached', {
      rings: uncached.length,
      ...latencySummary(uncached),
      goal_p95_ms: 150,
    });

    note('the same calls ringing again (insights in the panel cache)…');
    const cached: number[] = [];
    for (const [i, caller] of softphoneCallers.entries()) {
      if (Date.now() > deadline || i >= RINGS) break;
      cached.push(await ringFromWidget(widget, panel, `bench-rc-${i}`, caller.phone));
    }
    printFigure('live_call.ring_to_panel.softphone_cached', {
      rings: cached.length,
      ...latencySummary(cached),
      goal_p95_ms: 100,
    });

    note('calls posted to the backend (POST /v1/calls), through the event stream…');
    const server: number[] = [];
    for (const [i, caller] of serverCallers.entries()) {
      if (Date.now() > deadline + 60_000) break;
      const callId = `bench-srv-${i}`;
      const body = { callId, agent, from: caller.phone, state: 'ringing', platform: 'bench' };
      const postedAt = performance.timeOrigin + performance.now();
      await backend.admin('POST', '/v1/calls', body);
      const shown = await shownAt(panel, `bench:${callId}`, postedAt);
      if (i >= WARMUP) server.push(shown - postedAt);
      await backend.admin('POST', '/v1/calls', { ...body, state: 'ended' });
      await panel.getByText('Call ended', { exact: false }).first().waitFor({ timeout: 10_000 });
    }
    printFigure('live_call.ring_to_panel.server', {
      rings: server.length,
      ...latencySummary(server),
      goal_p95_ms: 300,
    });
  } finally {
    await ext?.close();
    await backend.dispose();
  }
}

const watchdog = setTimeout(() => {
  console.error('live-call-ring: gave up after 6 minutes');
  process.exit(1);
}, 6 * 60_000);
watchdog.unref();
await main();
