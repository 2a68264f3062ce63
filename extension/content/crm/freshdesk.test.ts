// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { freshdesk, parseViewTicket } from './freshdesk.ts';
import { loadFixture } from './fixtures.test-support.ts';

const emptyDoc = () => new DOMParser().parseFromString('<html><body></body></html>', 'text/html');
const fd = (path: string) => new URL(`https://acmesupport.freshdesk.com${path}`);
const custom = (path: string) => new URL(`https://support.acme-example.com${path}`);

const fixtureRef = {
  crm: 'freshdesk',
  type: 'contact',
  id: '77000123456',
  email: 'ana.souza@example.com.br',
  phone: '+55 11 5555 0142',
  displayName: 'Ana Souza',
  context: '3107',
};

describe('freshdesk: hosts', () => {
  it('matches *.freshdesk.com over https, and runs on custom domains by their path', () => {
    expect(freshdesk.matches(fd('/a/tickets/1'))).toBe(true);
    expect(freshdesk.matches(new URL('http://acmesupport.freshdesk.com/a/tickets/1'))).toBe(false);
    expect(freshdesk.matches(new URL('https://freshdesk.com.evil.example/a/tickets/1'))).toBe(
      false,
    );
    // A custom domain is the admin's to enter; matches() stays host-based.
    expect(freshdesk.matches(custom('/a/tickets/1'))).toBe(false);
    expect(freshdesk.customDomains).toBe(true);
  });
});

describe('freshdesk: URL forms', () => {
  it('/a/tickets/<id> is a ticket with an API lookup', () => {
    expect(freshdesk.pageKind(fd('/a/tickets/3107'))).toBe('ticket');
    const lookup = freshdesk.apiLookup?.(fd('/a/tickets/3107'));
    expect(lookup?.key).toBe('ticket:3107');
    expect(lookup?.path).toBe('/api/v2/tickets/3107?include=requester');
    expect(JSON.stringify(lookup?.headers ?? {})).not.toMatch(/authori|cookie|token/i);
    expect(freshdesk.detect(fd('/a/tickets/3107'), loadFixture('freshdesk.ticket.html'))).toEqual(
      fixtureRef,
    );
  });

  it('/helpdesk/tickets/<id> is the same ticket', () => {
    expect(freshdesk.pageKind(fd('/helpdesk/tickets/3107/'))).toBe('ticket');
    expect(freshdesk.apiLookup?.(fd('/helpdesk/tickets/3107'))?.path).toBe(
      '/api/v2/tickets/3107?include=requester',
    );
    expect(
      freshdesk.detect(fd('/helpdesk/tickets/3107'), loadFixture('freshdesk.ticket.html')),
    ).toEqual(fixtureRef);
  });

  it('/a/contacts/<id> is a contact, read from the address alone', () => {
    expect(freshdesk.pageKind(fd('/a/contacts/77000123456'))).toBe('contact');
    expect(freshdesk.apiLookup?.(fd('/a/contacts/77000123456'))).toBeNull();
    expect(freshdesk.detect(fd('/a/contacts/77000123456'), emptyDoc())).toEqual({
      crm: 'freshdesk',
      type: 'contact',
      id: '77000123456',
    });
  });

  it('on a custom domain: the same page kinds and page reading, but no API (not via CNAMEs)', () => {
    expect(freshdesk.pageKind(custom('/a/tickets/3107'))).toBe('ticket');
    expect(freshdesk.pageKind(custom('/helpdesk/tickets/3107'))).toBe('ticket');
    expect(freshdesk.pageKind(custom('/a/contacts/77000123456'))).toBe('contact');
    expect(freshdesk.apiLookup?.(custom('/a/tickets/3107'))).toBeNull();
    expect(
      freshdesk.detect(custom('/a/tickets/3107'), loadFixture('freshdesk.ticket.html')),
    ).toEqual(fixtureRef);
  });

  it('claims no customer on lists, the dashboard and malformed ids', () => {
    for (const path of [
      '/a/tickets/filters/all_tickets',
      '/a/dashboard/default',
      '/a/tickets',
      '/a/tickets/31x07',
      '/a/contacts/new',
      '/helpdesk/tickets/new',
    ]) {
      expect(freshdesk.pageKind(fd(path))).toBeNull();
      expect(freshdesk.apiLookup?.(fd(path))).toBeNull();
      expect(freshdesk.detect(fd(path), loadFixture('freshdesk.ticket.html'))).toBeNull();
    }
  });
});

describe('freshdesk: the ticket page', () => {
  it('reports nothing before the requester card renders', () => {
    expect(freshdesk.detect(fd('/a/tickets/3107'), emptyDoc())).toBeNull();
  });

  it("takes no contact id from a link to another origin or that isn't a contact page", () => {
    for (const href of ['https://evil.example/a/contacts/5', '/a/companies/5', 'http://[bad']) {
      const doc = loadFixture('freshdesk.ticket.html');
      doc.querySelector('[data-test-id="view-more-info"]')?.setAttribute('href', href);
      const ref = freshdesk.detect(fd('/a/tickets/3107'), doc);
      expect(ref?.id).toBeUndefined();
      expect(ref?.email).toBe('ana.souza@example.com.br');
    }
  });

  it('keeps the email alone when the other rows are missing', () => {
    const doc = loadFixture('freshdesk.ticket.html');
    for (const selector of [
      '.requester-wrap',
      '.contacts__view_more_info',
      '[data-test-id="requester-info-contact-phone"]',
    ]) {
      doc.querySelector(selector)?.remove();
    }
    expect(freshdesk.detect(fd('/a/tickets/3107'), doc)).toEqual({
      crm: 'freshdesk',
      type: 'contact',
      email: 'ana.souza@example.com.br',
      context: '3107',
    });
  });
});

// The shape of developers.freshdesk.com/api/#view_a_ticket with `include=requester` (the
// requester's email, id, mobile, name and phone embedded beside `requester_id`); anonymised.
const documented = {
  cc_emails: ['user@example.com'],
  fwd_emails: [],
  reply_cc_emails: ['user@example.com'],
  email_config_id: null,
  fr_escalated: false,
  group_id: null,
  priority: 1,
  requester_id: 1,
  responder_id: null,
  source: 2,
  spam: false,
  status: 2,
  subject: '',
  company_id: 1,
  id: 20,
  type: null,
  to_emails: null,
  product_id: null,
  tags: [],
  requester: {
    id: 1,
    name: 'Rachel Moreau',
    email: 'rachel.moreau@example.fr',
    mobile: null,
    phone: '+33 1 55 55 01 23',
  },
};

describe('freshdesk: the View a Ticket answer', () => {
  const parse = (body: unknown) => freshdesk.apiLookup?.(fd('/a/tickets/20'))?.parse(body);

  it('names the embedded requester as the contact, the ticket as context', () => {
    expect(parse(documented)).toEqual({
      crm: 'freshdesk',
      type: 'contact',
      id: '1',
      email: 'rachel.moreau@example.fr',
      phone: '+33 1 55 55 01 23',
      displayName: 'Rachel Moreau',
      context: '20',
    });
  });

  it('takes the mobile when there is no phone', () => {
    const requester = { ...documented.requester, phone: null, mobile: '+33 6 55 55 01 23' };
    expect(parse({ ...documented, requester })?.phone).toBe('+33 6 55 55 01 23');
  });

  it('keeps the requester id when the requester is not embedded', () => {
    const { requester: _omitted, ...withoutRequester } = documented;
    expect(parse(withoutRequester)).toEqual({
      crm: 'freshdesk',
      type: 'contact',
      id: '1',
      context: '20',
    });
  });

  it('refuses an answer about another ticket, or naming two different requesters', () => {
    expect(parse({ ...documented, id: 21 })).toBeNull();
    expect(parseViewTicket(documented, '99')).toBeNull();
    expect(parse({ ...documented, requester: { ...documented.requester, id: 2 } })).toBeNull();
    expect(parse({ id: 20 })).toBeNull();
  });

  it('survives hostile shapes without throwing', () => {
    for (const body of [
      null,
      'ticket',
      [],
      [documented],
      { id: '20; DROP' },
      { id: 20, requester_id: -1 },
      { id: 20, requester_id: 2 ** 60 },
      { id: 20, requester: 'Rachel' },
      { id: 20, requester: { id: 'x' } },
    ]) {
      expect(() => parse(body)).not.toThrow();
      expect(parse(body)).toBeNull();
    }
  });

  it('drops wrongly typed or oversized fields and bounds the name', () => {
    const ref = parse({
      id: '20',
      requester_id: '1',
      requester: {
        id: 1,
        email: ['rachel.moreau@example.fr'],
        phone: '9'.repeat(100),
        mobile: 33155550123,
        name: 'R'.repeat(1000),
      },
    });
    expect(ref?.id).toBe('1');
    expect(ref?.email).toBeUndefined();
    expect(ref?.phone).toBeUndefined();
    expect(ref?.displayName).toHaveLength(200);
  });
});
