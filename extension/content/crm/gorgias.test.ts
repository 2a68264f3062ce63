// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { gorgias, parseTicket } from './gorgias.ts';
import { loadFixture } from './fixtures.test-support.ts';

const gg = (path: string) => new URL(`https://acme-example.gorgias.com${path}`);
const A = '/app/views/1200001/300000123';
const page = (body: string) =>
  new DOMParser().parseFromString(`<html><body>${body}</body></html>`, 'text/html');
const crumbs = (inner: string) => `<nav aria-label="Breadcrumbs">${inner}</nav>`;

const janeRef = {
  crm: 'gorgias',
  type: 'customer',
  id: '410000321',
  displayName: 'Jane Example',
  context: '300000123',
};

describe('gorgias: hosts', () => {
  it('matches <account>.gorgias.com over https only', () => {
    expect(gorgias.matches(gg(A))).toBe(true);
    for (const url of [
      `http://acme-example.gorgias.com${A}`,
      `https://acme-example.gorgias.com.evil.example${A}`,
      `https://acme-examplegorgias.com${A}`,
      `https://a.b.gorgias.com${A}`,
      `https://gorgias.com${A}`,
    ]) {
      expect(gorgias.matches(new URL(url))).toBe(false);
    }
  });
});

describe('gorgias: URL forms', () => {
  it('claims /app/views/<viewId>/<ticketId> and /app/ticket/<ticketId>', () => {
    for (const path of [A, `${A}/`, '/app/ticket/300000123', '/app/ticket/300000123/?x=1']) {
      expect(gorgias.pageKind(gg(path))).toBe('conversation');
      expect(gorgias.apiLookup?.(gg(path))?.path).toBe('/api/tickets/300000123');
      expect(gorgias.detect(gg(path), loadFixture('gorgias.conversation.html'))).toEqual(janeRef);
    }
  });

  it('claims no views, settings, customers, tickets lists or malformed ids', () => {
    for (const path of [
      '/app/views/1200001',
      '/app/settings',
      '/app/customer/410000321',
      '/app/tickets/300000123',
      '/app/ticket/new',
      '/app/views/12x/300000123',
      '/login',
      '/api/tickets/300000123',
    ]) {
      expect(gorgias.pageKind(gg(path))).toBeNull();
      expect(gorgias.apiLookup?.(gg(path))).toBeNull();
      expect(gorgias.detect(gg(path), loadFixture('gorgias.conversation.html'))).toBeNull();
    }
  });
});

describe('gorgias: the ticket page', () => {
  it('reads the second and the no-identifier fixtures', () => {
    expect(
      gorgias.detect(gg('/app/ticket/300000456'), loadFixture('gorgias.second-conversation.html')),
    ).toEqual({
      crm: 'gorgias',
      type: 'customer',
      id: '410000654',
      displayName: 'Priya Raman',
      context: '300000456',
    });
    expect(
      gorgias.detect(gg('/app/views/1200001/300000789'), loadFixture('gorgias.no-identifier.html')),
    ).toEqual({ crm: 'gorgias', type: 'conversation', context: '300000789' });
  });

  it('reports the conversation alone before the page renders', () => {
    expect(gorgias.detect(gg(A), page(''))).toEqual({
      crm: 'gorgias',
      type: 'conversation',
      context: '300000123',
    });
  });

  it('falls back to any /app/customer/ link, absolute same-origin hrefs included', () => {
    const doc = page(
      '<aside><a href="https://acme-example.gorgias.com/app/customer/77">Sam Doe</a></aside>',
    );
    expect(gorgias.detect(gg(A), doc)).toEqual({
      crm: 'gorgias',
      type: 'customer',
      id: '77',
      displayName: 'Sam Doe',
      context: '300000123',
    });
  });

  it('takes no id, nor a name alone, from other origins, odd paths or bad hrefs', () => {
    const doc = page(
      crumbs(
        '<a href="https://evil.example/app/customer/5">Eve</a>' +
          '<a href="/app/customer/5/orders">Orders</a>' +
          '<a href="/app/customer/abc">Abc</a>' +
          '<a href="http://[bad/customer/6">Bad</a>',
      ),
    );
    expect(gorgias.detect(gg(A), doc)).toEqual({
      crm: 'gorgias',
      type: 'conversation',
      context: '300000123',
    });
  });

  it('bounds the name and drops an over-long id', () => {
    const long = page(crumbs(`<a href="/app/customer/${'9'.repeat(30)}">Long</a>`));
    expect(gorgias.detect(gg(A), long)?.id).toBeUndefined();
    const named = page(crumbs(`<a href="/app/customer/8">${'N'.repeat(1000)}</a>`));
    expect(gorgias.detect(gg(A), named)?.displayName).toHaveLength(200);
  });
});

// The shape of developers.gorgias.com/reference/get-ticket (the ticket's `id`, its `customer`
// {id, email, external_id, firstname, integrations}); anonymised.
const documented = {
  id: 300000123,
  external_id: null,
  status: 'open',
  channel: 'email',
  via: 'email',
  spam: false,
  subject: 'Where is my order?',
  assignee_user: null,
  customer: {
    id: 410000321,
    active: true,
    data: {},
    email: 'jane.example@example.com',
    external_id: 'customer-5550142',
    firstname: 'Jane',
    integrations: {},
  } as Record<string, unknown>,
  tags: [],
  messages: [],
};

describe('gorgias: the Retrieve a ticket answer', () => {
  const lookup = () => gorgias.apiLookup?.(gg(A));
  const parse = (body: unknown) => lookup()?.parse(body);

  it('asks the same origin for the ticket, without credentials of its own', () => {
    expect(lookup()?.key).toBe('ticket:300000123');
    expect(lookup()?.path).toBe('/api/tickets/300000123');
    expect(JSON.stringify(lookup()?.headers ?? {})).not.toMatch(/authori|cookie|token/i);
  });

  it("names the ticket's customer, the ticket as context", () => {
    expect(parse(documented)).toEqual({
      crm: 'gorgias',
      type: 'customer',
      id: '410000321',
      email: 'jane.example@example.com',
      displayName: 'Jane',
      context: '300000123',
    });
  });

  it('prefers `name`, else joins firstname and lastname', () => {
    const customer = { ...documented.customer, lastname: 'Example' };
    expect(parse({ ...documented, customer })?.displayName).toBe('Jane Example');
    expect(
      parse({ ...documented, customer: { ...customer, name: 'J. Example' } })?.displayName,
    ).toBe('J. Example');
  });

  it('refuses an answer about another ticket, or with no customer', () => {
    expect(parse({ ...documented, id: 300000124 })).toBeNull();
    expect(parseTicket(documented, '300000124')).toBeNull();
    expect(parse({ ...documented, customer: null })).toBeNull();
    expect(parse({ ...documented, customer: { firstname: 'Jane' } })).toBeNull();
  });

  it('survives hostile shapes without throwing', () => {
    for (const body of [
      null,
      'ticket',
      [],
      [documented],
      { id: '300000123; DROP' },
      { id: 300000123, customer: 'Jane' },
      { id: 300000123, customer: [] },
      { id: 300000123, customer: { id: -1, email: 42 } },
      { id: 300000123, customer: { id: 2 ** 60, email: 'not an email' } },
    ]) {
      expect(() => parse(body)).not.toThrow();
      expect(parse(body)).toBeNull();
    }
  });

  it('drops wrongly typed or oversized fields and bounds the name', () => {
    const ref = parse({
      id: '300000123',
      customer: {
        id: '410000321',
        email: `${'a'.repeat(300)}@example.com`,
        firstname: ['Jane'],
        name: 'N'.repeat(1000),
      },
    });
    expect(ref?.id).toBe('410000321');
    expect(ref?.email).toBeUndefined();
    expect(ref?.displayName).toHaveLength(200);
  });
});
