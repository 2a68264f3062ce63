// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spaScript } from './routes.ts';

const customerMain = (id: string, next: string) =>
  `<main data-demo-page="customer" data-customer-id="${id}"><h1>${id}</h1>` +
  `<dd data-field="name">Name of ${id}</dd><a data-spa href="/demo/customers/${next}">Next customer</a></main>`;

describe('demo CRM navigation', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('swaps the customer in place and pushes the new URL, without a reload', async () => {
    history.replaceState({}, '', '/demo/customers/CUST-0001');
    document.body.innerHTML = customerMain('CUST-0001', 'CUST-0002');
    const fetchPage = vi.fn(async (href: string) => {
      const id = href.split('/').pop()!;
      return new Response(
        `<html><head><title>${id}</title></head><body>${customerMain(id, 'CUST-0003')}</body></html>`,
      );
    });
    vi.stubGlobal('fetch', fetchPage);
    new Function(spaScript)();
    const marker = document.body;

    document.querySelector<HTMLAnchorElement>('a[data-spa]')!.click();
    await vi.waitFor(() =>
      expect(document.querySelector('main')!.getAttribute('data-customer-id')).toBe('CUST-0002'),
    );
    expect(location.pathname).toBe('/demo/customers/CUST-0002');
    expect(document.querySelector('[data-field="name"]')!.textContent).toBe('Name of CUST-0002');
    expect(document.title).toBe('CUST-0002');
    expect(document.body).toBe(marker);
    expect(fetchPage).toHaveBeenCalledWith('/demo/customers/CUST-0002', expect.anything());
  });
});
