// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { hubspot } from './hubspot.ts';
import { loadFixture } from './fixtures.test-support.ts';

const emptyDoc = () => new DOMParser().parseFromString('<html><body></body></html>', 'text/html');
const html = (body: string) =>
  new DOMParser().parseFromString(`<html><body>${body}</body></html>`, 'text/html');
const hs = (path: string, host = 'app.hubspot.com') => new URL(`https://${host}${path}`);
const TICKET = '/contacts/25123456/record/0-5/1893002211';

/** One contact tile as Ticket-Helper reads it. */
const tile = (id: string, name: string, email?: string) =>
  `<div data-test-id="chiclet-0-1-${id}">` +
  `<a data-selenium-test="contact-chicklet-title-link" href="/contacts/25123456/record/0-1/${id}">${name}</a>` +
  (email ? `<a data-test-id="contact-chicklet-email" href="mailto:${email}">${email}</a>` : '') +
  `</div>`;
const contactsCard = (inner: string) =>
  `<div data-test-id="card-wrapper-ASSOCIATION_V3/0-1">${inner}</div>`;

describe('hubspot hosts', () => {
  it('matches the app hosts, regional ones included, and nothing else', () => {
    for (const host of ['app.hubspot.com', 'app-eu1.hubspot.com', 'app-na2.hubspot.com']) {
      expect(hubspot.matches(hs('/contacts/1/record/0-1/2', host)), host).toBe(true);
    }
    for (const host of [
      'www.hubspot.com',
      'api.hubapi.com',
      'app.hubspot.com.evil.example',
      'evilapp.hubspot.com',
    ]) {
      expect(hubspot.matches(hs('/contacts/1/record/0-1/2', host)), host).toBe(false);
    }
    expect(hubspot.matches(new URL('http://app.hubspot.com/contacts/1/record/0-1/2'))).toBe(false);
  });
});

describe('hubspot URL forms', () => {
  it('contact record /contacts/<portal>/record/0-1/<id>', () => {
    const url = hs('/contacts/25123456/record/0-1/51234567', 'app-eu1.hubspot.com');
    expect(hubspot.pageKind(url)).toBe('contact');
    expect(hubspot.detect(url, emptyDoc())).toEqual({
      crm: 'hubspot',
      type: 'contact',
      id: '51234567',
    });
  });

  it('company record /contacts/<portal>/record/0-2/<id>', () => {
    const url = hs('/contacts/25123456/record/0-2/9001234/');
    expect(hubspot.pageKind(url)).toBe('company');
    expect(hubspot.detect(url, emptyDoc())).toEqual({
      crm: 'hubspot',
      type: 'company',
      id: '9001234',
    });
  });

  it('ticket record /contacts/<portal>/record/0-5/<id> claims a ticket and waits for its card', () => {
    const url = hs(TICKET);
    expect(hubspot.pageKind(url)).toBe('ticket');
    expect(hubspot.detect(url, emptyDoc())).toBeNull();
  });

  it('legacy contact /contacts/<portal>/contact/<id>', () => {
    const url = hs('/contacts/2761836/contact/123445');
    expect(hubspot.pageKind(url)).toBe('contact');
    expect(hubspot.detect(url, emptyDoc())).toEqual({
      crm: 'hubspot',
      type: 'contact',
      id: '123445',
    });
  });

  it('Help Desk ticket /help-desk/<portal>/view/<view>/ticket/<id>/', () => {
    for (const path of [
      '/help-desk/25123456/view/search/ticket/1893002299/',
      '/help-desk/25123456/view/233410279/ticket/1893002299',
    ]) {
      expect(hubspot.pageKind(hs(path, 'app-na2.hubspot.com')), path).toBe('ticket');
    }
    const doc = html(contactsCard(tile('51230042', 'Jonas Berg', 'jonas.berg@example.se')));
    expect(hubspot.detect(hs('/help-desk/25123456/view/search/ticket/1893002299/'), doc)).toEqual({
      crm: 'hubspot',
      type: 'contact',
      id: '51230042',
      email: 'jonas.berg@example.se',
      displayName: 'Jonas Berg',
      context: '1893002299',
    });
  });

  it('lists, other objects and Help Desk views without a ticket are no customer page', () => {
    for (const path of [
      '/contacts/25123456/objects/0-1/views/all/list',
      '/contacts/25123456/record/0-3/1',
      '/contacts/25123456/record/0-1/notanumber',
      '/contacts/25123456/company/9001234',
      '/help-desk/25123456/view/233410279/list-view',
      '/help-desk/25123456/view/search/ticket/',
      '/help-desk/25123456/view/../ticket/1',
      '/settings/25123456/users',
    ]) {
      expect(hubspot.pageKind(hs(path)), path).toBeNull();
      expect(hubspot.detect(hs(path), emptyDoc()), path).toBeNull();
    }
  });
});

describe('hubspot ticket contact from the page', () => {
  it('reads the recorded ticket page’s contacts card', () => {
    expect(hubspot.detect(hs(TICKET), loadFixture('hubspot.ticket.html'))).toEqual({
      crm: 'hubspot',
      type: 'contact',
      id: '51230001',
      email: 'marta.kowalska@example.net',
      displayName: 'Marta Kowalska',
      context: '1893002211',
    });
  });

  it('with several contacts, picks the one the ticket header names', () => {
    const url = hs('/help-desk/25123456/view/search/ticket/1893002299/', 'app-na2.hubspot.com');
    const doc = loadFixture('hubspot.help-desk-ticket.html');
    expect(hubspot.detect(url, doc)?.id).toBe('51230042');
    const name = doc.querySelector('[data-test-id="ticket-header-contact-detail-link"] span');
    if (name) name.textContent = 'Ingrid Berg';
    expect(hubspot.detect(url, doc)?.id).toBe('51230077');
  });

  it('with several contacts and no header match, reports none rather than guess', () => {
    const doc = html(
      contactsCard(tile('51230077', 'Ingrid Berg') + tile('51230042', 'Jonas Berg')),
    );
    expect(hubspot.detect(hs(TICKET), doc)).toBeNull();
  });

  it('prefers the Help Desk requester card over the associations card', () => {
    const doc = html(
      `<div data-sidebar-key="Requester">${tile('51230042', 'Jonas Berg')}</div>` +
        contactsCard(tile('51230077', 'Ingrid Berg')),
    );
    expect(hubspot.detect(hs(TICKET), doc)?.id).toBe('51230042');
  });

  it('falls back to the card’s contact link when it has no tiles', () => {
    const doc = html(
      contactsCard(
        `<a href="https://app.hubspot.com/contacts/25123456/record/0-1/51230001?foo=1">Marta Kowalska</a>` +
          `<a href="mailto:marta.kowalska@example.net">marta.kowalska@example.net</a>`,
      ),
    );
    expect(hubspot.detect(hs(TICKET), doc)).toEqual({
      crm: 'hubspot',
      type: 'contact',
      id: '51230001',
      email: 'marta.kowalska@example.net',
      displayName: 'Marta Kowalska',
      context: '1893002211',
    });
  });

  it('a card with only an email still names the requester, by email', () => {
    const doc = html(contactsCard('<a href="mailto:someone@example.org">someone@example.org</a>'));
    expect(hubspot.detect(hs(TICKET), doc)).toEqual({
      crm: 'hubspot',
      type: 'ticket',
      email: 'someone@example.org',
      context: '1893002211',
    });
  });

  it('ignores the companies card and cards with nothing resolvable', () => {
    const doc = html(
      `<div data-test-id="card-wrapper-ASSOCIATION_V3/0-2"><a href="/contacts/1/record/0-2/9">Co</a></div>` +
        contactsCard('<span>No contacts</span>'),
    );
    expect(hubspot.detect(hs(TICKET), doc)).toBeNull();
  });

  it('bounds what it reads from hostile markup', () => {
    const doc = html(
      contactsCard(
        `<div data-test-id="chiclet-0-1-x">` +
          `<a data-selenium-test="contact-chicklet-title-link" href="/contacts/1/record/0-1/${'9'.repeat(40)}">${'N'.repeat(5_000)}</a>` +
          `<a data-test-id="contact-chicklet-email" href="mailto:${'a'.repeat(300)}@example.org">x</a>` +
          `</div>`,
      ),
    );
    // An overlong id is no id, an overlong email no email: nothing resolvable is left.
    expect(hubspot.detect(hs(TICKET), doc)).toBeNull();
  });
});

describe('hubspot API', () => {
  it('offers no API lookup: the CRM API wants an OAuth or private-app token', () => {
    expect(hubspot.apiLookup).toBeUndefined();
  });
});
