// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { parseShowTicket, zendesk } from './zendesk.ts';
import { loadFixture } from './fixtures.test-support.ts';

const emptyDoc = () => new DOMParser().parseFromString('<html><body></body></html>', 'text/html');
const zd = (path: string) => new URL(`https://acme.zendesk.com${path}`);

describe('zendesk: hosts', () => {
  it('matches only *.zendesk.com over https', () => {
    expect(zendesk.matches(zd('/agent/tickets/1'))).toBe(true);
    expect(zendesk.matches(new URL('http://acme.zendesk.com/agent/tickets/1'))).toBe(false);
    expect(zendesk.matches(new URL('https://zendesk.com.evil.example/agent/tickets/1'))).toBe(
      false,
    );
    expect(zendesk.matches(new URL('https://acme.zendesk.com.evil.example/agent'))).toBe(false);
  });
});

describe('zendesk: URL forms', () => {
  it('/agent/tickets/<id> is a ticket with an API lookup', () => {
    for (const path of ['/agent/tickets/4821', '/agent/tickets/4821/']) {
      expect(zendesk.pageKind(zd(path))).toBe('ticket');
      const lookup = zendesk.apiLookup?.(zd(path));
      expect(lookup?.key).toBe('ticket:4821');
      expect(lookup?.path).toBe('/api/v2/tickets/4821.json?include=users');
      expect(JSON.stringify(lookup?.headers ?? {})).not.toMatch(/authori|cookie|token/i);
    }
  });

  it('/agent/users/<id> and its tabs are a user, read from the address alone', () => {
    for (const path of [
      '/agent/users/90210377',
      '/agent/users/90210377/requested_tickets',
      '/agent/users/90210377/identities',
      '/agent/users/90210377/organization/tickets',
    ]) {
      expect(zendesk.pageKind(zd(path))).toBe('user');
      expect(zendesk.apiLookup?.(zd(path))).toBeNull();
      expect(zendesk.detect(zd(path), emptyDoc())).toEqual({
        crm: 'zendesk',
        type: 'user',
        id: '90210377',
      });
    }
  });

  it('claims no customer on lists, settings and malformed ids', () => {
    for (const path of [
      '/agent/filters/360001234567',
      '/agent/dashboard',
      '/agent/tickets',
      '/agent/tickets/48a21',
      '/agent/tickets/new/1',
      '/agent/users/abc',
      '/agent/organizations/5',
    ]) {
      expect(zendesk.pageKind(zd(path))).toBeNull();
      expect(zendesk.apiLookup?.(zd(path))).toBeNull();
      expect(zendesk.detect(zd(path), loadFixture('zendesk.ticket.html'))).toBeNull();
    }
  });
});

describe('zendesk: the ticket page', () => {
  it("reads the URL's ticket's customer context pane, its full address in title", () => {
    expect(zendesk.detect(zd('/agent/tickets/4821'), loadFixture('zendesk.ticket.html'))).toEqual({
      crm: 'zendesk',
      type: 'user',
      email: 'jonas.berg@example.org',
      context: '4821',
    });
  });

  it('reports nothing while the ticket the URL names is still a hidden tab', () => {
    expect(
      zendesk.detect(zd('/agent/tickets/4790'), loadFixture('zendesk.ticket.html')),
    ).toBeNull();
  });

  it('follows the tab the URL names, not the one shown first in the DOM', () => {
    const doc = loadFixture('zendesk.ticket.html');
    doc.querySelector('[data-test-id="ticket-4790-standard-layout"]')?.removeAttribute('style');
    doc
      .querySelector('[data-test-id="ticket-4821-standard-layout"]')
      ?.setAttribute('style', 'display: none');
    expect(zendesk.detect(zd('/agent/tickets/4790'), doc)?.email).toBe('tomasz.nowak@example.org');
    expect(zendesk.detect(zd('/agent/tickets/4821'), doc)).toBeNull();
  });

  it('falls back to the layout around the ticket conversation when the pane has no id', () => {
    const doc = loadFixture('zendesk.ticket.html');
    doc.getElementById('customer-context-user-panel-4821')?.removeAttribute('id');
    doc
      .querySelector('[data-test-id="ticket-4821-standard-layout"]')
      ?.setAttribute('data-test-id', 'ticket-4821-other-layout');
    expect(zendesk.detect(zd('/agent/tickets/4821'), doc)?.email).toBe('jonas.berg@example.org');
  });

  it('follows a requester change in the pane, reading the text when title is missing', () => {
    const doc = loadFixture('zendesk.ticket.html');
    const value = doc.querySelector(
      '#customer-context-user-panel-4821 [data-test-id="email-value-test-id"]',
    );
    value?.removeAttribute('title');
    if (value) value.textContent = ' new.person@example.org ';
    expect(zendesk.detect(zd('/agent/tickets/4821'), doc)?.email).toBe('new.person@example.org');
  });

  it('reports nothing when the pane shows no usable address (or is not rendered yet)', () => {
    const doc = loadFixture('zendesk.ticket.html');
    const value = doc.querySelector(
      '#customer-context-user-panel-4821 [data-test-id="email-value-test-id"]',
    );
    value?.setAttribute('title', 'not an address');
    if (value) value.textContent = 'not an address';
    expect(zendesk.detect(zd('/agent/tickets/4821'), doc)).toBeNull();
    expect(zendesk.detect(zd('/agent/tickets/4821'), emptyDoc())).toBeNull();
  });
});

// Shapes from developer.zendesk.com "Show Ticket" (Tickets API) with `include=users` as the
// "Side-loading" page describes it (top-level `users` beside `ticket`); values anonymised.
const documented = {
  ticket: {
    id: 35436,
    url: 'https://company.zendesk.com/api/v2/tickets/35436.json',
    subject: 'Help, my printer is on fire!',
    status: 'open',
    requester_id: 20978392,
    submitter_id: 76872,
    assignee_id: 235323,
    organization_id: 509974,
    collaborator_ids: [35334, 234],
  },
  users: [
    { id: 235323, name: 'Agent Smith', email: 'agent@example.com', role: 'agent' },
    {
      id: 20978392,
      url: 'https://company.zendesk.com/api/v2/users/20978392.json',
      name: 'Lena Fischer',
      email: 'lena.fischer@example.de',
      phone: '+49 30 5555 0123',
      role: 'end-user',
    },
  ],
};

describe('zendesk: the Show Ticket answer', () => {
  const parse = (body: unknown) => zendesk.apiLookup?.(zd('/agent/tickets/35436'))?.parse(body);

  it('names the requester by the side-loaded user, the ticket as context', () => {
    expect(parse(documented)).toEqual({
      crm: 'zendesk',
      type: 'user',
      id: '20978392',
      email: 'lena.fischer@example.de',
      phone: '+49 30 5555 0123',
      displayName: 'Lena Fischer',
      context: '35436',
    });
  });

  it('keeps the requester id when the user is not side-loaded', () => {
    expect(parse({ ticket: documented.ticket })).toEqual({
      crm: 'zendesk',
      type: 'user',
      id: '20978392',
      context: '35436',
    });
    expect(parse({ ticket: documented.ticket, users: 'nope' })?.id).toBe('20978392');
  });

  it('accepts ids written as digit strings', () => {
    const ref = parse({
      ticket: { id: '35436', requester_id: '20978392' },
      users: [{ id: '20978392', email: 'lena.fischer@example.de' }],
    });
    expect(ref?.id).toBe('20978392');
    expect(ref?.email).toBe('lena.fischer@example.de');
  });

  it('refuses an answer about another ticket, or without a requester', () => {
    expect(parse({ ...documented, ticket: { ...documented.ticket, id: 1 } })).toBeNull();
    expect(parseShowTicket(documented, '99')).toBeNull();
    expect(parse({ ticket: { id: 35436 } })).toBeNull();
    expect(parse({ ticket: { id: 35436, requester_id: null } })).toBeNull();
  });

  it('survives hostile shapes without throwing', () => {
    for (const body of [
      null,
      undefined,
      'ticket',
      42,
      [],
      [documented],
      { ticket: [] },
      { ticket: null },
      { ticket: { id: 35436, requester_id: -5 } },
      { ticket: { id: 35436, requester_id: 1.5 } },
      { ticket: { id: 35436, requester_id: 2 ** 60 } },
      { ticket: { id: 35436, requester_id: '12; DROP' } },
      { ticket: { id: 35436, requester_id: { id: 1 } } },
    ]) {
      expect(() => parse(body)).not.toThrow();
      expect(parse(body)).toBeNull();
    }
  });

  it('drops wrongly typed or oversized fields and bounds the name', () => {
    const ref = parse({
      ticket: documented.ticket,
      users: [
        null,
        7,
        {
          id: 20978392,
          email: `${'a'.repeat(300)}@example.com`,
          phone: { number: '+1 555' },
          name: 'N'.repeat(5000),
        },
      ],
    });
    expect(ref?.id).toBe('20978392');
    expect(ref?.email).toBeUndefined();
    expect(ref?.phone).toBeUndefined();
    expect(ref?.displayName).toHaveLength(200);
  });

  it('looks no further than the first 500 side-loaded users', () => {
    const filler = Array.from({ length: 600 }, (_, i) => ({
      id: i + 1,
      email: `u${i}@example.com`,
    }));
    const ref = parse({
      ticket: { id: 35436, requester_id: 999_999 },
      users: [...filler, { id: 999_999, email: 'late@example.com' }],
    });
    expect(ref).toEqual({
      crm: 'zendesk',
      type: 'user',
      id: '999999',
      context: '35436',
    });
  });
});
