import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './support/fixtures.ts';
import { configureThroughOptions, launchWithExtension } from './support/extension.ts';

// A compromised CRM page can drive its content script, and content scripts can write
// chrome.storage.local. A backend URL written there must not move the worker, even to an origin
// the extension may reach (here another port on 127.0.0.1, granted by the manifest).
test('the worker keeps to the backend saved on the options page; plain http elsewhere is refused', async ({
  backend,
  extensionDist,
}) => {
  test.setTimeout(120_000);
  const decoyRequests: string[] = [];
  const decoy = createServer((request: IncomingMessage, response) => {
    decoyRequests.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`);
    response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => decoy.listen(0, '127.0.0.1', resolve));
  const decoyUrl = `http://127.0.0.1:${(decoy.address() as AddressInfo).port}`;
  const token = await backend.createToken('e2e-backend-trust');
  const ext = await launchWithExtension(extensionDist);
  try {
    await configureThroughOptions(ext, { backendUrl: backend.url, token, crms: [] });
    // The write a content script could make (storage.local is shared by every context).
    await ext.worker.evaluate(
      (url) =>
        chrome.storage.local.set({
          'loopdesk.config': { backendUrl: url, enabledCrms: [], selfHostedOrigins: {} },
        }),
      decoyUrl,
    );

    const page = await ext.context.newPage();
    await page.goto(`chrome-extension://${ext.id}/extension/options/index.html`);
    const ask = (message: object) => page.evaluate((m) => chrome.runtime.sendMessage(m), message);
    expect(
      await ask({ type: 'get-insights', query: { email: 'nobody-here@example.com' } }),
    ).toMatchObject({ ok: true, value: { kind: 'unknown' } });
    expect(decoyRequests).toEqual([]);
    expect(await ask({ type: 'get-status' })).toMatchObject({
      ok: true,
      value: { configured: true, backendUrl: backend.url, backendRefused: null },
    });

    // The options page refuses a plain http backend on another computer and keeps the old one.
    await page.getByLabel('Backend URL').fill('http://crm.example.net:8787');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText(/use https:\/\/crm\.example\.net:8787/)).toBeVisible();
    expect(await ask({ type: 'get-status' })).toMatchObject({
      value: { backendUrl: backend.url },
    });
    expect(decoyRequests).toEqual([]);
  } finally {
    await ext.close();
    decoy.close();
  }
});
