import { test as base } from '@playwright/test';
import { Backend, freePort } from './backend.ts';
import { buildExtensionForTests } from './extension.ts';

export { expect } from '@playwright/test';

/**
 * One backend per test worker, shared by the spec files that run in it: starting one costs a
 * tsx load of the whole server plus the embedded database's first start, far more than the
 * seeding each file does through the admin API. Files seed distinct customers and may stop and
 * start it (the outbox tests); Playwright replaces the worker, and so the backend, after a failure.
 */
export const test = base.extend<object, { backend: Backend; extensionDist: string }>({
  backend: [
    // Playwright requires the fixture's first argument to be a destructuring pattern.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const backend = new Backend(await freePort());
      await backend.start();
      await use(backend);
      await backend.dispose();
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  extensionDist: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      await use(buildExtensionForTests());
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});
