import type { BrowserContext, Locator, Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..');

/**
 * The README's screenshots, rewritten by every e2e run from the seeded demo so they show the
 * product as it is (a CI clone rewrites its own copies, which nobody commits).
 */
export const screenshotsDir = join(repoRoot, 'docs', 'screenshots');

export function screenshotPath(name: string): string {
  mkdirSync(screenshotsDir, { recursive: true });
  return join(screenshotsDir, name);
}

/** Chrome's side panel is 360 px wide by default; the CRM tab gets the rest of a 1280 px window. */
export const sidePanelWidth = 360;
export const windowSize = { width: 1280, height: 760 };

/**
 * One picture of the CRM tab with the side panel beside it, as a CSR sees the browser window:
 * each page is captured at its share of the window and the two are laid side by side in a
 * scratch page of the same context (the real side panel is not a page a screenshot can reach).
 */
export async function screenshotBeside(
  context: BrowserContext,
  crm: Page,
  panel: Page,
  name: string,
): Promise<string> {
  const crmWidth = windowSize.width - sidePanelWidth - 1;
  await crm.setViewportSize({ width: crmWidth, height: windowSize.height });
  await panel.setViewportSize({ width: sidePanelWidth, height: windowSize.height });
  const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
  const crmShot = dataUrl(await crm.screenshot());
  const panelShot = dataUrl(await panel.screenshot());
  const sheet = await context.newPage();
  await sheet.setViewportSize(windowSize);
  await sheet.setContent(
    `<!doctype html><body style="margin:0;display:flex;background:#c8ccd4">
      <img alt="" src="${crmShot}" width="${crmWidth}" height="${windowSize.height}">
      <div style="width:1px"></div>
      <img alt="" src="${panelShot}" width="${sidePanelWidth}" height="${windowSize.height}">
    </body>`,
  );
  await sheet.waitForFunction(() => [...document.images].every((image) => image.complete));
  const path = screenshotPath(name);
  await sheet.screenshot({ path });
  await sheet.close();
  return path;
}

export async function screenshotOf(target: Page | Locator, name: string): Promise<string> {
  const path = screenshotPath(name);
  await target.screenshot({ path });
  return path;
}
