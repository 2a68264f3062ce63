// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { salesforce, parseRecordPath } from './salesforce.ts';
import { zendesk } from './zendesk.ts';
import { hubspot } from './hubspot.ts';
import { dynamics, normaliseGuid } from './dynamics.ts';
import { servicenow } from './servicenow.ts';
import { freshdesk } from './freshdesk.ts';
import { zohoDesk } from './zoho-desk.ts';
import { requestTracker } from './request-tracker.ts';
import { loopdeskDemo } from './loopdesk-demo.ts';
import { catalogueEntry } from '../../shared/crm-catalogue.ts';
import { loadFixture } from './fixtures.test-support.ts';
import { boundedEmail, boundedName, boundedPhone, splitNameAndEmail } from './read.ts';

const emptyDoc = () => new DOMParser().parseFromString('<html><body></body></html>', 'text/html');
const docOf = (body: string) =>
  new DOMParser().parseFromString(`<html><body>${body}</body></html>`, 'text/html');

describe('salesforce', () => {
  const sf = (path: string) => new URL(`https://acme-dev.lightning.force.com${path}`);

  it('matches Lightning hosts only', () => {
    expect(salesforce.matches(sf('/'))).toBe(true);
    expect(salesforce.matches(new URL('https://acme.my.salesforce.com/x'))).toBe(true);
    expect(salesforce.matches(new URL('https://lightning.force.com.evil.example/x'))).toBe(false);
    expect(salesforce.matches(new URL('http://acme-dev.lightning.force.com/x'))).toBe(false);
  });

  it('accepts 15-char ids and 18-char ids with a correct checksum', () => {
    expect(parseRecordPath('/lightning/r/Contact/003Dn00000QXbZ1/view')?.id).toBe(
      '003Dn00000QXbZ1',
    );
    expect(parseRecordPath('/lightning/r/Contact/003Dn00000QXbZ1IAL/view')?.id).toBe(
      '003Dn00000QXbZ1IAL',
    );
    expect(parseRecordPath('/lightning/r/Contact/003Dn00000QXbZ1AAA/view')).toBeNull();
    expect(parseRecordPath('/lightning/r/Contact/003Dn00000QXb/view')).toBeNull();
  });

  it('rejects ids whose key prefix contradicts the object', () => {
    expect(
      salesforce.detect(sf('/lightning/r/Contact/001Dn00000XyZaBIAV/view'), emptyDoc()),
    ).toBeNull();
    expect(
      salesforce.detect(sf('/lightning/r/Account/001Dn00000XyZaBIAV/view'), emptyDoc()),
    ).toEqual({
      crm: 'salesforce',
      objectType: 'Account',
      recordId: '001Dn00000XyZaBIAV',
    });
  });

  it('reports nothing on list views, home and non-customer objects', () => {
    expect(salesforce.detect(sf('/lightning/o/Contact/list'), emptyDoc())).toBeNull();
    expect(salesforce.detect(sf('/lightning/page/home'), emptyDoc())).toBeNull();
    expect(
      salesforce.detect(sf('/lightning/r/Opportunity/006Dn00000AbCdE/view'), emptyDoc()),
    ).toBeNull();
  });

  it('prefers a focused Contact subtab over its Account workspace', () => {
    const url = sf(
      '/lightning/r/Contact/003Dn00000QXbZ1IAL/view?ws=%2Flightning%2Fr%2FAccount%2F001Dn00000XyZaBIAV%2Fview',
    );
    expect(salesforce.detect(url, emptyDoc())?.recordId).toBe('003Dn00000QXbZ1IAL');
  });

  it('falls back to the workspace Account for a case whose contact has not rendered', () => {
    const url = sf(
      '/lightning/r/Case/500Dn00000AbCdEIAV/view?ws=%2Flightning%2Fr%2FAccount%2F001Dn00000XyZaBIAV%2Fview',
    );
    expect(salesforce.detect(url, emptyDoc())).toEqual({
      crm: 'salesforce',
      objectType: 'Account',
      recordId: '001Dn00000XyZaBIAV',
      contextId: '500Dn00000AbCdEIAV',
    });
  });

  it('reads the active workspace’s case contact, not the hidden workspace’s', () => {
    const url = sf('/lightning/r/Case/500Dn00000AbCdEIAV/view');
    const doc = loadFixture('salesforce.console-case.html');
    expect(salesforce.detect(url, doc)?.recordId).toBe('003Dn00000LmNoPIAV');
    doc.querySelector('.oneWorkspace.active')?.classList.remove('active');
    doc.querySelector('.oneContent.active')?.classList.remove('active');
    // Without an active marker the first rendered contact wins: the (hidden) other one here.
    expect(salesforce.detect(url, doc)?.recordId).toBe('003Dn00000QXbZ1IAL');
  });

  it('reports nothing for a lone case with no rendered contact', () => {
    expect(
      salesforce.detect(sf('/lightning/r/Case/500Dn00000AbCdEIAV/view'), emptyDoc()),
    ).toBeNull();
  });
});

describe('zendesk', () => {
  const zd = (path: string) => new URL(`https://acme.zendesk.com${path}`);

  it('matches only *.zendesk.com over https', () => {
    expect(zendesk.matches(zd('/agent/tickets/1'))).toBe(true);
    expect(zendesk.matches(new URL('https://zendesk.com.evil.example/agent/tickets/1'))).toBe(
      false,
    );
  });

  it('reads the active tab, not a hidden one', () => {
    const doc = loadFixture('zendesk.ticket.html');
    expect(zendesk.detect(zd('/agent/tickets/4821'), doc)?.email).toBe('jonas.berg@example.org');
  });

  it('reports nothing when the URL names a ticket whose workspace is hidden', () => {
    const doc = loadFixture('zendesk.ticket.html');
    expect(zendesk.detect(zd('/agent/tickets/4790'), doc)).toBeNull();
  });

  it('follows a requester change in the user area', () => {
    const doc = loadFixture('zendesk.ticket.html');
    const area = doc.querySelector('[data-ticket-id="4821"] [data-test-id="ticket-user-area"]');
    area!.innerHTML =
      '<span data-test-id="user-name">New Person</span><a data-test-id="user-email" href="mailto:new.person@example.org">x</a>';
    expect(zendesk.detect(zd('/agent/tickets/4821'), doc)).toEqual({
      crm: 'zendesk',
      objectType: 'ticket',
      email: 'new.person@example.org',
      displayName: 'New Person',
      contextId: '4821',
    });
  });

  it('rejects malformed ids and list pages', () => {
    const doc = loadFixture('zendesk.ticket.html');
    expect(zendesk.detect(zd('/agent/tickets/48a21'), doc)).toBeNull();
    expect(zendesk.detect(zd('/agent/tickets'), doc)).toBeNull();
    expect(zendesk.detect(zd('/agent/dashboard'), doc)).toBeNull();
  });

  it('gives the user record even before the profile renders', () => {
    expect(zendesk.detect(zd('/agent/users/42'), emptyDoc())).toEqual({
      crm: 'zendesk',
      objectType: 'user',
      recordId: '42',
    });
  });
});

describe('hubspot', () => {
  it('matches the regional hosts and nothing else', () => {
    for (const host of [
      'app.hubspot.com',
      'app-eu1.hubspot.com',
      'app-na2.hubspot.com',
      'app-ap1.hubspot.com',
    ]) {
      expect(hubspot.matches(new URL(`https://${host}/contacts/1/record/0-1/2`))).toBe(true);
    }
    expect(hubspot.matches(new URL('https://www.hubspot.com/contacts/1/record/0-1/2'))).toBe(false);
    expect(hubspot.matches(new URL('https://app.hubspot.com.evil.example/'))).toBe(false);
  });

  it('maps object type ids and the legacy path', () => {
    const at = (path: string) =>
      hubspot.detect(new URL(`https://app-na2.hubspot.com${path}`), emptyDoc());
    expect(at('/contacts/25123456/record/0-2/9001234')).toEqual({
      crm: 'hubspot',
      objectType: 'company',
      recordId: '9001234',
    });
    expect(at('/contacts/25123456/contact/51234567/')).toEqual({
      crm: 'hubspot',
      objectType: 'contact',
      recordId: '51234567',
    });
    expect(at('/contacts/25123456/record/0-3/1')).toBeNull();
    expect(at('/contacts/25123456/objects/0-1/views/all/list')).toBeNull();
  });

  it('waits for the lazily rendered contacts card on a ticket', () => {
    const url = new URL('https://app.hubspot.com/contacts/25123456/record/0-5/1893002211');
    expect(hubspot.detect(url, emptyDoc())).toBeNull();
  });
});

describe('dynamics', () => {
  const base = 'https://contoso.crm.dynamics.com/main.aspx?appid=x&pagetype=entityrecord';

  it('normalises the braced, encoded GUID to a lower-case bare GUID', () => {
    expect(normaliseGuid('{6F1C2A9E-3B4D-4E5F-8A7B-1C2D3E4F5A6B}')).toBe(
      '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b',
    );
    expect(normaliseGuid('6F1C2A9E3B4D4E5F8A7B1C2D3E4F5A6B')).toBeUndefined();
    expect(
      dynamics.detect(
        new URL(`${base}&etn=account&id=%7B6F1C2A9E-3B4D-4E5F-8A7B-1C2D3E4F5A6B%7D`),
        emptyDoc(),
      ),
    ).toEqual({
      crm: 'dynamics',
      objectType: 'account',
      recordId: '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b',
    });
  });

  it('rejects malformed ids, other page types and other entities', () => {
    const at = (query: string) => dynamics.detect(new URL(`${base}${query}`), emptyDoc());
    expect(at('&etn=contact&id=%7Bnot-a-guid%7D')).toBeNull();
    expect(at('&etn=opportunity&id=%7B6F1C2A9E-3B4D-4E5F-8A7B-1C2D3E4F5A6B%7D')).toBeNull();
    expect(
      dynamics.detect(
        new URL('https://contoso.crm.dynamics.com/main.aspx?pagetype=entitylist&etn=contact'),
        emptyDoc(),
      ),
    ).toBeNull();
    expect(dynamics.matches(new URL('https://dynamics.com.evil.example/main.aspx'))).toBe(false);
  });
});

describe('servicenow', () => {
  const sn = (path: string) => new URL(`https://acmecorp.service-now.com${path}`);
  const id = '4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b';

  it('maps customer tables to record refs', () => {
    expect(servicenow.detect(sn(`/now/cwf/agent/record/csm_consumer/${id}`), emptyDoc())).toEqual({
      crm: 'servicenow',
      objectType: 'csm_consumer',
      recordId: id,
    });
    expect(
      servicenow.detect(sn(`/now/cwf/agent/record/customer_contact/${id}/params/x`), emptyDoc())
        ?.objectType,
    ).toBe('customer_contact');
  });

  it('rejects malformed sys_ids, other tables and list pages', () => {
    expect(
      servicenow.detect(sn('/now/cwf/agent/record/customer_contact/xyz'), emptyDoc()),
    ).toBeNull();
    expect(servicenow.detect(sn(`/now/cwf/agent/record/incident/${id}`), emptyDoc())).toBeNull();
    expect(
      servicenow.detect(sn('/now/cwf/agent/list/sn_customerservice_case'), emptyDoc()),
    ).toBeNull();
  });

  it('does not take the contact from another tab’s case form', () => {
    const doc = loadFixture('servicenow.case.html');
    const other = sn(
      '/now/cwf/agent/record/sn_customerservice_case/ffffffffffffffffffffffffffffffff',
    );
    expect(servicenow.detect(other, doc)).toBeNull();
  });
});

describe('freshdesk and zoho desk', () => {
  it('freshdesk contact pages and negatives', () => {
    const fd = (path: string) => new URL(`https://acmesupport.freshdesk.com${path}`);
    expect(freshdesk.detect(fd('/a/contacts/77000123456'), emptyDoc())).toEqual({
      crm: 'freshdesk',
      objectType: 'contact',
      recordId: '77000123456',
    });
    expect(freshdesk.detect(fd('/a/tickets/3107'), emptyDoc())).toBeNull();
    expect(
      freshdesk.detect(fd('/a/tickets/filters/all_tickets'), loadFixture('freshdesk.ticket.html')),
    ).toBeNull();
  });

  it('zoho desk regional domains, contacts and negatives', () => {
    expect(zohoDesk.matches(new URL('https://desk.zoho.com.au/agent/p/d/tickets/details/1'))).toBe(
      true,
    );
    expect(zohoDesk.matches(new URL('https://desk.zoho.example/agent/p/d/tickets/details/1'))).toBe(
      false,
    );
    expect(catalogueEntry('zoho-desk').matchPatterns).toContain('https://desk.zoho.eu/*');
    expect(zohoDesk.matches(new URL('https://desk.zoho.eu/agent/p/d/tickets/details/1'))).toBe(
      true,
    );
    const zd = (path: string) => new URL(`https://desk.zoho.in${path}`);
    expect(zohoDesk.detect(zd('/agent/acme/care/contacts/details/1780400'), emptyDoc())).toEqual({
      crm: 'zoho-desk',
      objectType: 'contact',
      recordId: '1780400',
    });
    expect(zohoDesk.detect(zd('/agent/acme/care/tickets/list/all'), emptyDoc())).toBeNull();
    expect(zohoDesk.detect(zd('/agent/acme/care/tickets/details/abc'), emptyDoc())).toBeNull();
  });
});

describe('request tracker', () => {
  it('matches by path on any origin, with or without a web path', () => {
    expect(
      requestTracker.matches(new URL('http://127.0.0.1:9080/rt/Ticket/Display.html?id=1')),
    ).toBe(true);
    expect(
      requestTracker.matches(new URL('https://helpdesk.example/Ticket/Display.html?id=1')),
    ).toBe(true);
    expect(requestTracker.matches(new URL('https://helpdesk.example/Search/Results.html'))).toBe(
      false,
    );
  });

  it('reads the requestor, never the owner', () => {
    const doc = loadFixture('request-tracker.ticket.html');
    doc.querySelector('.requestors .value')!.innerHTML = '';
    expect(
      requestTracker.detect(new URL('https://rt.example.com/rt/Ticket/Display.html?id=7'), doc),
    ).toBeNull();
  });

  it('rejects a missing or malformed id', () => {
    const doc = loadFixture('request-tracker.ticket.html');
    expect(
      requestTracker.detect(new URL('https://rt.example.com/rt/Ticket/Display.html'), doc),
    ).toBeNull();
    expect(
      requestTracker.detect(new URL('https://rt.example.com/rt/Ticket/Display.html?id=7x'), doc),
    ).toBeNull();
  });
});

describe('loopdesk demo', () => {
  it('does not enrich from a page still showing another customer', () => {
    const doc = loadFixture('loopdesk-demo.customer.html');
    expect(
      loopdeskDemo.detect(new URL('http://localhost:8787/demo/customers/C000043'), doc),
    ).toEqual({
      crm: 'demo',
      objectType: 'customer',
      recordId: 'C000043',
    });
  });

  it('rejects other paths and a ticket without a requester', () => {
    expect(loopdeskDemo.matches(new URL('http://localhost:8787/demo/customers/'))).toBe(false);
    expect(loopdeskDemo.matches(new URL('http://localhost:8787/demo'))).toBe(false);
    expect(
      loopdeskDemo.detect(new URL('http://localhost:8787/demo/tickets/9'), docOf('<main></main>')),
    ).toBeNull();
  });
});

describe('reading and bounding page values', () => {
  it('splits "Real Name <email>"', () => {
    expect(splitNameAndEmail('Farah Haddad <farah@example.org>')).toEqual({
      name: 'Farah Haddad',
      email: 'farah@example.org',
    });
    expect(splitNameAndEmail('farah@example.org')).toEqual({ email: 'farah@example.org' });
  });

  it('drops values that are too long or not the right shape, truncates names', () => {
    expect(boundedEmail(`${'a'.repeat(250)}@example.org`)).toBeUndefined();
    expect(boundedEmail('not an email')).toBeUndefined();
    expect(boundedEmail('  Mixed.Case@Example.ORG ')).toBe('Mixed.Case@Example.ORG');
    expect(boundedPhone('call me')).toBeUndefined();
    expect(boundedPhone('9'.repeat(41))).toBeUndefined();
    expect(boundedName('x'.repeat(500))).toHaveLength(200);
  });
});
