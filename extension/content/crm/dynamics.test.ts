// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { dynamics, normaliseGuid, parseIncident, parseRecord, recordFromUrl } from './dynamics.ts';
import { loadFixture } from './fixtures.test-support.ts';

const emptyDoc = () => new DOMParser().parseFromString('<html><body></body></html>', 'text/html');
const ORG = 'https://contoso.crm4.dynamics.com';
const at = (query: string, origin = ORG) => new URL(`${origin}/main.aspx?${query}`);

const GUID = '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b';
const BRACED = '%7B6F1C2A9E-3B4D-4E5F-8A7B-1C2D3E4F5A6B%7D';
const CASE = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const CONTACT = '7ddd0b31-ed8b-e511-80d2-00155d2a68d4';
const ACCOUNT = '3adbf27c-8efb-e511-80d2-00155db07c77';

describe('dynamics: hosts', () => {
  it('matches the five Dataverse clouds over https, nothing that merely ends alike', () => {
    for (const host of [
      'contoso.crm.dynamics.com',
      'contoso.crm4.dynamics.com',
      'contoso.crm9.dynamics.com',
      'contoso.crm21.dynamics.com',
      'contoso.crm.microsoftdynamics.us',
      'contoso.crm.appsplatform.us',
      'contoso.crm.dynamics.cn',
    ]) {
      expect(dynamics.matches(new URL(`https://${host}/main.aspx`)), host).toBe(true);
    }
    for (const href of [
      'http://contoso.crm.dynamics.com/main.aspx',
      'https://dynamics.com.evil.example/main.aspx',
      'https://contoso.crm.dynamics.com.evil.test/main.aspx',
      'https://contoso.dynamics.com/main.aspx',
      'https://contoso.crm100.dynamics.com/main.aspx',
      'https://contoso.microsoftdynamics.us/main.aspx',
      'https://contoso.crm.dynamics.cn.example/main.aspx',
    ]) {
      expect(dynamics.matches(new URL(href)), href).toBe(false);
    }
  });

  it('reads records on GCC High and China hosts as anywhere else', () => {
    const gcch = at(
      `pagetype=entityrecord&etn=contact&id=${BRACED}`,
      'https://contoso.crm.microsoftdynamics.us',
    );
    expect(dynamics.pageKind(gcch)).toBe('contact');
    const china = at(
      `pagetype=entityrecord&etn=incident&id=${CASE}`,
      'https://contoso.crm.dynamics.cn',
    );
    expect(dynamics.apiLookup?.(china)?.path).toMatch(/^\/api\/data\/v9\.2\/incidents\(/);
  });
});

describe('dynamics: URL forms', () => {
  it('normalises the braced, encoded GUID to a lower-case bare GUID', () => {
    expect(normaliseGuid('{6F1C2A9E-3B4D-4E5F-8A7B-1C2D3E4F5A6B}')).toBe(GUID);
    expect(normaliseGuid(GUID.toUpperCase())).toBe(GUID);
    expect(normaliseGuid('6F1C2A9E3B4D4E5F8A7B1C2D3E4F5A6B')).toBeUndefined();
    expect(normaliseGuid('{6F1C2A9E-3B4D-4E5F-8A7B-1C2D3E4F5A6B')).toBe(GUID);
    expect(normaliseGuid(null)).toBeUndefined();
  });

  it('docs form: etn=<table>&pagetype=entityrecord&id=%7B<GUID>%7D', () => {
    const url = at(`etn=account&pagetype=entityrecord&id=${BRACED}`);
    expect(dynamics.pageKind(url)).toBe('account');
    expect(dynamics.detect(url, emptyDoc())).toEqual({
      crm: 'dynamics',
      type: 'account',
      id: GUID,
    });
    expect(dynamics.apiLookup?.(url)?.path).toBe(
      `/api/data/v9.2/accounts(${GUID})?$select=accountid,name,emailaddress1,telephone1`,
    );
  });

  it('EasyRepro form: appid first, bare GUID, test flags after', () => {
    const url = at(
      `appid=98d1cf55-fc47-e911-a97c-000d3ae05a70&etn=contact&pagetype=entityrecord&id=${GUID}&flags=testmode=true&perf=true`,
    );
    expect(dynamics.pageKind(url)).toBe('contact');
    const lookup = dynamics.apiLookup?.(url);
    expect(lookup?.key).toBe(`contact:${GUID}`);
    expect(lookup?.path).toBe(
      `/api/data/v9.2/contacts(${GUID})?$select=contactid,fullname,emailaddress1,telephone1,mobilephone`,
    );
    expect(lookup?.headers).toEqual({
      Accept: 'application/json',
      'OData-MaxVersion': '4.0',
      'OData-Version': '4.0',
    });
    expect(lookup?.pageSessionToken).toBeUndefined();
  });

  it('lead, with the parameters in EasyRepro’s other order', () => {
    const url = at(`appid=x&pagetype=entityrecord&etn=lead&id=${BRACED}`);
    expect(dynamics.pageKind(url)).toBe('lead');
    expect(dynamics.detect(url, emptyDoc())).toEqual({
      crm: 'dynamics',
      type: 'lead',
      id: GUID,
    });
    expect(dynamics.apiLookup?.(url)?.path).toBe(
      `/api/data/v9.2/leads(${GUID})?$select=leadid,fullname,emailaddress1,telephone1,mobilephone`,
    );
  });

  it('case (incident): the Web API path expands the customer as contact or account', () => {
    const url = at(`appid=x&pagetype=entityrecord&etn=incident&id=%7B${CASE.toUpperCase()}%7D`);
    expect(dynamics.pageKind(url)).toBe('case');
    expect(dynamics.apiLookup?.(url)?.path).toBe(
      `/api/data/v9.2/incidents(${CASE})?$select=incidentid,_customerid_value` +
        '&$expand=customerid_contact($select=contactid,fullname,emailaddress1,telephone1,mobilephone),' +
        'customerid_account($select=accountid,name,emailaddress1,telephone1)',
    );
    expect(dynamics.apiLookup?.(url)?.key).toBe(`incident:${CASE}`);
  });

  it('legacy entity type codes: etc=1, 2, 4, 112 (and etn wins over etc)', () => {
    expect(recordFromUrl(at(`etc=2&id=%7b${GUID}%7d&pagetype=entityrecord`))).toEqual({
      entity: 'contact',
      id: GUID,
    });
    expect(dynamics.pageKind(at(`etc=1&id=${GUID}&pagetype=entityrecord`))).toBe('account');
    expect(dynamics.pageKind(at(`etc=4&id=%7b${GUID}%7d&pagetype=entityrecord`))).toBe('lead');
    expect(dynamics.pageKind(at(`etc=112&id=${GUID}&pagetype=entityrecord`))).toBe('case');
    expect(
      dynamics.pageKind(at(`etc=2&etn=opportunity&id=${GUID}&pagetype=entityrecord`)),
    ).toBeNull();
    // Custom entities' codes vary per organisation: not read.
    expect(dynamics.pageKind(at(`etc=10012&id=${GUID}&pagetype=entityrecord`))).toBeNull();
  });

  it('legacy grid links: the record inside extraqs', () => {
    const url = at(
      `etc=2&extraqs=%3f_gridType%3d2%26etc%3d2%26id%3d%257b${GUID.toUpperCase()}%257d%26rskey%3d667293691&pagetype=entityrecord`,
    );
    expect(dynamics.detect(url, emptyDoc())).toEqual({
      crm: 'dynamics',
      type: 'contact',
      id: GUID,
    });
  });

  it('reads parameter names and page type without regard to case', () => {
    expect(dynamics.pageKind(at(`PageType=EntityRecord&ETN=Contact&ID=${BRACED}`))).toBe('contact');
  });

  it('rejects lists, dashboards, new records, malformed ids, other tables and other pages', () => {
    const rejected = [
      at('etn=contact&pagetype=entitylist&viewid=%7b00000000-0000-0000-00AA-000010001004%7d'),
      at('pagetype=dashboard&id=%7b00000000-0000-0000-0000-000000000000%7d'),
      at('etn=account&pagetype=entityrecord'),
      at('etn=contact&pagetype=entityrecord&id=%7Bnot-a-guid%7D'),
      at(`etn=opportunity&pagetype=entityrecord&id=${BRACED}`),
      at(`etn=constructor&pagetype=entityrecord&id=${BRACED}`),
      at(`etc=constructor&pagetype=entityrecord&id=${BRACED}`),
      at(`etc=__proto__&pagetype=entityrecord&id=${BRACED}`),
      at(`etn=contact&id=${BRACED}`),
      new URL(`${ORG}/org/main.aspx?etn=contact&pagetype=entityrecord&id=${BRACED}`),
      new URL(`${ORG}/apps/main.aspx?etn=contact&pagetype=entityrecord&id=${BRACED}`),
    ];
    for (const url of rejected) {
      expect(dynamics.pageKind(url), url.href).toBeNull();
      expect(dynamics.apiLookup?.(url), url.href).toBeNull();
      expect(dynamics.detect(url, emptyDoc()), url.href).toBeNull();
    }
  });
});

// Answer shapes from Microsoft's Dataverse Web API docs: "Query data using the Web API",
// "Retrieve data about lookup properties" (incidents(<id>)?$select=title,_customerid_value
// &$expand=customerid_contact($select=fullname) answers `_customerid_value` and a nested
// `customerid_contact` with `@odata.etag`, `fullname`, `contactid`), and "Retrieve a table row"
// (single-valued navigation properties expand to an object or null). Values anonymised.
describe('dynamics: Web API answers', () => {
  const incident = (extra: Record<string, unknown>) => ({
    '@odata.context': '[Organization URI]/api/data/v9.2/$metadata#incidents(...)/$entity',
    '@odata.etag': 'W/"504696"',
    incidentid: CASE,
    _customerid_value: CONTACT,
    customerid_contact: null,
    customerid_account: null,
    ...extra,
  });

  it('reads the case’s contact', () => {
    const body = incident({
      customerid_contact: {
        '@odata.etag': 'W/"503587"',
        fullname: 'Sofie Andersen',
        emailaddress1: 'sofie.andersen@example.dk',
        telephone1: null,
        mobilephone: '+45 20 55 01 99',
        contactid: CONTACT.toUpperCase(),
      },
    });
    expect(parseIncident(body, CASE)).toEqual({
      crm: 'dynamics',
      type: 'contact',
      id: CONTACT,
      email: 'sofie.andersen@example.dk',
      phone: '+45 20 55 01 99',
      displayName: 'Sofie Andersen',
      context: CASE,
    });
  });

  it('reads the case’s account when the customer is a company', () => {
    const body = incident({
      _customerid_value: ACCOUNT,
      customerid_account: {
        '@odata.etag': 'W/"514074"',
        accountid: ACCOUNT,
        name: 'Adventure Works (sample)',
        emailaddress1: 'someone@example.com',
        telephone1: '555-0150',
      },
    });
    expect(parseIncident(body, CASE)).toEqual({
      crm: 'dynamics',
      type: 'account',
      id: ACCOUNT,
      email: 'someone@example.com',
      phone: '555-0150',
      displayName: 'Adventure Works (sample)',
      context: CASE,
    });
  });

  it('reads contact, account and lead rows, only for the page’s own id', () => {
    expect(
      parseRecord(
        {
          contactid: GUID,
          fullname: 'Henrik Larsen',
          emailaddress1: 'h@example.dk',
          telephone1: '+45 32 55 01 23',
        },
        'contact',
        GUID,
      ),
    ).toEqual({
      crm: 'dynamics',
      type: 'contact',
      id: GUID,
      email: 'h@example.dk',
      phone: '+45 32 55 01 23',
      displayName: 'Henrik Larsen',
    });
    expect(
      parseRecord(
        { leadid: GUID, fullname: 'Ana Lead', mobilephone: '+1 425 555 0100' },
        'lead',
        GUID,
      ),
    ).toEqual({
      crm: 'dynamics',
      type: 'lead',
      id: GUID,
      phone: '+1 425 555 0100',
      displayName: 'Ana Lead',
    });
    expect(parseRecord({ accountid: ACCOUNT, name: 'Other' }, 'account', GUID)).toBeNull();
    expect(parseRecord({ contactid: GUID }, 'incident', GUID)).toBeNull();
    const lookup = dynamics.apiLookup?.(at(`etn=account&pagetype=entityrecord&id=${GUID}`));
    expect(lookup?.parse({ accountid: GUID, name: 'Fabrikam' })?.displayName).toBe('Fabrikam');
  });

  it('treats odd and hostile answers as no customer, bounded, never throwing', () => {
    const hostile: unknown[] = [
      null,
      'incident',
      [],
      { error: { code: '0x80040217', message: 'incident With Id = ... Does Not Exist' } },
      incident({}),
      incident({ incidentid: ACCOUNT, customerid_contact: { contactid: CONTACT } }),
      incident({ customerid_contact: { contactid: 'not-a-guid', fullname: 'X' } }),
      incident({ customerid_contact: [{ contactid: CONTACT }] }),
      incident({ customerid_contact: { contactid: 42 }, customerid_account: 'x' }),
      { value: [{ incidentid: CASE, customerid_contact: { contactid: CONTACT } }] },
    ];
    for (const body of hostile) {
      expect(() => parseIncident(body, CASE)).not.toThrow();
      expect(parseIncident(body, CASE)).toBeNull();
      expect(parseRecord(body, 'contact', CONTACT)).toBeNull();
    }
    const huge = 'x'.repeat(100_000);
    const ref = parseIncident(
      incident({
        customerid_contact: {
          contactid: CONTACT,
          fullname: huge,
          emailaddress1: `${huge}@example.org`,
          telephone1: '9'.repeat(300),
          mobilephone: { value: '+45 20 55 01 99' },
        },
      }),
      CASE,
    );
    expect(ref?.id).toBe(CONTACT);
    expect(ref?.displayName?.length).toBeLessThanOrEqual(200);
    expect(ref?.email).toBeUndefined();
    expect(ref?.phone).toBeUndefined();
    // A contact with a broken id does not hide a well-formed account.
    expect(
      parseIncident(
        incident({
          customerid_contact: { contactid: 'x' },
          customerid_account: { accountid: ACCOUNT },
        }),
        CASE,
      )?.type,
    ).toBe('account');
  });
});

describe('dynamics: the case page', () => {
  const caseUrl = at(
    `appid=0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d&pagetype=entityrecord&etn=incident&id=%7B${CASE.toUpperCase()}%7D`,
  );

  it('reads the focused session’s form, not the hidden one', () => {
    expect(dynamics.detect(caseUrl, loadFixture('dynamics.case.html'))).toEqual({
      crm: 'dynamics',
      type: 'incident',
      email: 'sofie.andersen@example.dk',
      phone: '+45 20 55 01 99',
      displayName: 'Sofie Andersen',
      context: CASE,
    });
  });

  it('reads nothing while two forms are shown at once, or none is there yet', () => {
    const doc = loadFixture('dynamics.case.html');
    doc.querySelector('[data-id="editFormRoot"][style]')?.removeAttribute('style');
    expect(dynamics.detect(caseUrl, doc)).toBeNull();
    expect(dynamics.detect(caseUrl, emptyDoc())).toBeNull();
  });

  it('takes the name from the tag text when the link element is not there', () => {
    const doc = loadFixture('dynamics.case.html');
    for (const link of doc.querySelectorAll('[role="link"]')) link.removeAttribute('role');
    expect(dynamics.detect(caseUrl, doc)?.displayName).toBe('Sofie Andersen');
    // A name alone cannot be resolved: without email or phone the page names no customer.
    for (const input of doc.querySelectorAll('input')) input.remove();
    expect(dynamics.detect(caseUrl, doc)).toBeNull();
  });
});
