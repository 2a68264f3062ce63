// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { zohoDesk } from './zoho-desk.ts';
import { catalogueEntry, zohoDeskHosts } from '../../shared/crm-catalogue.ts';
import { loadFixture } from './fixtures.test-support.ts';

const emptyDoc = () => new DOMParser().parseFromString('<html><body></body></html>', 'text/html');
const eu = (path: string) => new URL(`https://desk.zoho.eu${path}`);
const page = (body: string) =>
  new DOMParser().parseFromString(`<html><body>${body}</body></html>`, 'text/html');

describe('zoho desk: hosts', () => {
  it("matches every data centre's host, Canada on zohocloud.ca", () => {
    for (const host of [
      'desk.zoho.com',
      'desk.zoho.eu',
      'desk.zoho.in',
      'desk.zoho.com.au',
      'desk.zoho.jp',
      'desk.zoho.com.cn',
      'desk.zohocloud.ca',
      'desk.zoho.sa',
      'desk.zoho.uk',
      'DESK.ZOHO.UK',
    ]) {
      expect(zohoDesk.matches(new URL(`https://${host}/agent/p/d/tickets/details/1`))).toBe(true);
    }
  });

  it('matches no other host, and not over http', () => {
    for (const href of [
      'https://desk.zoho.ca/agent/p/d/tickets/details/1',
      'https://desk.zoho.example/agent/p/d/tickets/details/1',
      'https://desk.zoho.com.evil.example/agent/p/d/tickets/details/1',
      'https://crm.zoho.com/agent/p/d/tickets/details/1',
      'http://desk.zoho.com/agent/p/d/tickets/details/1',
    ]) {
      expect(zohoDesk.matches(new URL(href))).toBe(false);
    }
  });

  it('asks for exactly the hosts it matches (catalogue and manifest share the list)', () => {
    const patterns = catalogueEntry('zoho-desk').matchPatterns;
    expect(patterns).toEqual(zohoDeskHosts.map((host) => `https://${host}/*`));
    expect(patterns).toContain('https://desk.zohocloud.ca/*');
    expect(patterns).not.toContain('https://desk.zoho.ca/*');
  });

  it('offers no API lookup (the REST API wants an OAuth token and orgId header)', () => {
    expect(zohoDesk.apiLookup).toBeUndefined();
  });
});

describe('zoho desk: URL forms', () => {
  const ticketPage = page('<a href="/agent/acme/care/contacts/details/1780400">Giulia Romano</a>');

  it('/agent/<portal>/<department>/tickets/details/<id> is a ticket', () => {
    const url = eu('/agent/acme/care/tickets/details/178040000001234567');
    expect(zohoDesk.pageKind(url)).toBe('ticket');
    expect(zohoDesk.detect(url, ticketPage)).toEqual({
      crm: 'zoho-desk',
      type: 'contact',
      id: '1780400',
      displayName: 'Giulia Romano',
      context: '178040000001234567',
    });
  });

  it('/agent/<portal>/tickets/details/<id> (no department) is a ticket', () => {
    const url = eu('/agent/acme/tickets/details/1001/');
    expect(zohoDesk.pageKind(url)).toBe('ticket');
    expect(zohoDesk.detect(url, ticketPage)?.context).toBe('1001');
  });

  it('/agent/<portal>[/<department>]/contacts/details/<id> is a contact, from the address', () => {
    for (const path of [
      '/agent/acme/care/contacts/details/1780400',
      '/agent/acme/contacts/details/1780400',
    ]) {
      expect(zohoDesk.pageKind(eu(path))).toBe('contact');
      expect(zohoDesk.detect(eu(path), emptyDoc())).toEqual({
        crm: 'zoho-desk',
        type: 'contact',
        id: '1780400',
      });
    }
  });

  it('classic ShowHomePage.do#Cases/dv/<id>: a ticket, numeric id or permalink key', () => {
    const classicPage = page(
      '<a href="ShowHomePage.do#Contacts/dv/134512000000011111">Paul Whitmore</a>',
    );
    for (const [hash, id] of [
      ['#Cases/dv/134512000007784001', '134512000007784001'],
      [
        '#Cases/dv/d126330fb061247d9ebddaeb9d93ba74750b0284bc703b38',
        'd126330fb061247d9ebddaeb9d93ba74750b0284bc703b38',
      ],
    ] as const) {
      const url = new URL(`https://desk.zoho.in/support/simpliigence/ShowHomePage.do${hash}`);
      expect(zohoDesk.pageKind(url)).toBe('ticket');
      expect(zohoDesk.detect(url, classicPage)).toEqual({
        crm: 'zoho-desk',
        type: 'contact',
        id: '134512000000011111',
        displayName: 'Paul Whitmore',
        context: id,
      });
    }
  });

  it('classic ShowHomePage.do#Contacts/dv/<id>: a contact; a permalink key names no record', () => {
    const numeric = new URL(
      'https://desk.zoho.com/support/zylker/ShowHomePage.do#Contacts/dv/1892000000772003',
    );
    expect(zohoDesk.pageKind(numeric)).toBe('contact');
    expect(zohoDesk.detect(numeric, emptyDoc())).toEqual({
      crm: 'zoho-desk',
      type: 'contact',
      id: '1892000000772003',
    });
    const permalink = new URL(
      'https://desk.zoho.com/support/zylker/ShowHomePage.do#Contacts/dv/d126330fb061247d9ebddaeb9d93ba74750b0284bc703b38',
    );
    expect(zohoDesk.pageKind(permalink)).toBe('contact');
    expect(zohoDesk.detect(permalink, emptyDoc())).toBeNull();
  });

  it('claims no customer on lists, the classic home and malformed ids', () => {
    for (const href of [
      'https://desk.zoho.in/agent/acme/care/tickets/list/all',
      'https://desk.zoho.in/agent/acme/care/tickets/details/abc',
      'https://desk.zoho.in/agent/acme/care/accounts/details/1',
      'https://desk.zoho.in/agent/a/b/c/tickets/details/1',
      'https://desk.zoho.in/support/acme/ShowHomePage.do',
      'https://desk.zoho.in/support/acme/ShowHomePage.do#Cases',
      'https://desk.zoho.in/support/acme/ShowHomePage.do#Cases/list/all',
      'https://desk.zoho.in/support/acme/ShowHomePage.do#Cases/dv/not-an-id',
      'https://desk.zoho.in/support/ShowHomePage.do#Cases/dv/1',
    ]) {
      expect(zohoDesk.pageKind(new URL(href))).toBeNull();
      expect(zohoDesk.detect(new URL(href), ticketPage)).toBeNull();
    }
  });
});

describe('zoho desk: the ticket page (guess: a link to the contact)', () => {
  const url = eu('/agent/acmeportal/customer-care/tickets/details/178040000001234567');

  it('reads the fixture', () => {
    expect(zohoDesk.detect(url, loadFixture('zoho-desk.ticket.html'))?.id).toBe(
      '178040000000998877',
    );
  });

  it('reports nothing without a contact link (or before it renders)', () => {
    expect(zohoDesk.detect(url, emptyDoc())).toBeNull();
    expect(
      zohoDesk.detect(url, page('<a href="/agent/acme/care/tickets/details/5">x</a>')),
    ).toBeNull();
  });

  it('skips links to another origin, to permalink keys, and malformed ones', () => {
    const doc = page(
      [
        '<a href="https://evil.example/agent/a/b/contacts/details/666">Evil</a>',
        '<a href="https://desk.zoho.com/agent/a/b/contacts/details/667">Other DC</a>',
        '<a href="ShowHomePage.do#Contacts/dv/d126330fb061247d9ebddaeb9d93ba74750b0284bc703b38">Key</a>',
        '<a href="http://[bad/contacts/details/1">Bad</a>',
        '<a href="/agent/a/b/contacts/details/42">Real Contact</a>',
      ].join(''),
    );
    expect(zohoDesk.detect(url, doc)).toEqual({
      crm: 'zoho-desk',
      type: 'contact',
      id: '42',
      displayName: 'Real Contact',
      context: '178040000001234567',
    });
  });
});
