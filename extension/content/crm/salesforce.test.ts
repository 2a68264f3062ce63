// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { salesforce, parseRecordPath } from './salesforce.ts';
import { loadFixture } from './fixtures.test-support.ts';

const emptyDoc = () => new DOMParser().parseFromString('<html><body></body></html>', 'text/html');
const html = (body: string) =>
  new DOMParser().parseFromString(`<html><body>${body}</body></html>`, 'text/html');
const sf = (path: string) => new URL(`https://acme-dev.lightning.force.com${path}`);
const ws = (path: string) => `?ws=${encodeURIComponent(path)}`;

// Invented ids with correct checksums (computed, not copied from a tenant).
const CONTACT = '003Dn00000QXbZ1IAL';
const OTHER_CONTACT = '003Dn00000LmNoPIAV';
const ACCOUNT = '001Dn00000XyZaBIAV';
const LEAD = '00QDn00000RsTuVMAV';
const CASE = '500Dn00000AbCdEIAV';
const OTHER_CASE = '500Dn00000AbCdFIAV';

/** A Case.ContactId field as Salesforce Inspector and forceUp read it (light DOM). */
const contactField = (id: string, name: string) =>
  `<records-record-layout-item><div data-target-selection-name="sfdc:RecordField.Case.ContactId">` +
  `<a data-recordid="${id}" href="/lightning/r/${id}/view">${name}</a></div></records-record-layout-item>`;
const emailField = (email: string) =>
  `<records-record-layout-item><div data-target-selection-name="sfdc:RecordField.Case.ContactEmail">` +
  `<lightning-formatted-email slot="outputField"><a href="mailto:${email}">${email}</a>` +
  `</lightning-formatted-email></div></records-record-layout-item>`;

describe('salesforce hosts and ids', () => {
  it('matches Lightning hosts, sandboxes included, and nothing else', () => {
    expect(salesforce.matches(sf('/'))).toBe(true);
    expect(salesforce.matches(new URL('https://acme--uat.sandbox.lightning.force.com/x'))).toBe(
      true,
    );
    expect(salesforce.matches(new URL('https://acme.my.salesforce.com/x'))).toBe(true);
    expect(salesforce.matches(new URL('https://lightning.force.com.evil.example/x'))).toBe(false);
    expect(salesforce.matches(new URL('http://acme-dev.lightning.force.com/x'))).toBe(false);
  });

  it('accepts 15-char ids and 18-char ids with a correct checksum only', () => {
    expect(parseRecordPath('/lightning/r/Contact/003Dn00000QXbZ1/view')?.id).toBe(
      '003Dn00000QXbZ1',
    );
    expect(parseRecordPath(`/lightning/r/Contact/${CONTACT}/view`)?.id).toBe(CONTACT);
    expect(parseRecordPath('/lightning/r/Contact/003Dn00000QXbZ1AAA/view')).toBeNull();
    expect(parseRecordPath('/lightning/r/Contact/003Dn00000QXb/view')).toBeNull();
    expect(parseRecordPath(`/lightning/r/Contact/${CONTACT}x/view`)).toBeNull();
  });

  it('rejects ids whose key prefix contradicts the named object', () => {
    expect(salesforce.detect(sf(`/lightning/r/Contact/${ACCOUNT}/view`), emptyDoc())).toBeNull();
    expect(salesforce.pageKind(sf(`/lightning/r/Contact/${ACCOUNT}/view`))).toBeNull();
  });
});

describe('salesforce URL forms', () => {
  it('Contact record view', () => {
    const url = sf(`/lightning/r/Contact/${CONTACT}/view`);
    expect(salesforce.pageKind(url)).toBe('contact');
    expect(salesforce.detect(url, emptyDoc())).toEqual({
      crm: 'salesforce',
      type: 'Contact',
      id: CONTACT,
    });
  });

  it('Account record view on a sandbox host', () => {
    const url = new URL(
      `https://acme--uat.sandbox.lightning.force.com/lightning/r/Account/${ACCOUNT}/view`,
    );
    expect(salesforce.pageKind(url)).toBe('account');
    expect(salesforce.detect(url, emptyDoc())).toEqual({
      crm: 'salesforce',
      type: 'Account',
      id: ACCOUNT,
    });
  });

  it('Lead record view (key prefix 00Q)', () => {
    const url = sf(`/lightning/r/Lead/${LEAD}/view`);
    expect(salesforce.pageKind(url)).toBe('lead');
    expect(salesforce.detect(url, emptyDoc())).toEqual({
      crm: 'salesforce',
      type: 'Lead',
      id: LEAD,
    });
    expect(salesforce.detect(sf(`/lightning/r/Lead/${CONTACT}/view`), emptyDoc())).toBeNull();
  });

  it('record view without an object name: the object comes from the key prefix', () => {
    expect(salesforce.pageKind(sf(`/lightning/r/${LEAD}/view`))).toBe('lead');
    expect(salesforce.detect(sf(`/lightning/r/${LEAD}/view`), emptyDoc())).toEqual({
      crm: 'salesforce',
      type: 'Lead',
      id: LEAD,
    });
    expect(salesforce.detect(sf(`/lightning/r/${CONTACT}/view`), emptyDoc())?.type).toBe('Contact');
    expect(salesforce.pageKind(sf(`/lightning/r/${CASE}/view`))).toBe('case');
    // A prefix that is no customer object (005 User) is no customer page.
    expect(salesforce.pageKind(sf('/lightning/r/005Do000003JVmZIAW/view'))).toBeNull();
    expect(salesforce.detect(sf('/lightning/r/005Do000003JVmZIAW/view'), emptyDoc())).toBeNull();
  });

  it('related list of a record: the parent record is the page’s customer', () => {
    const url = sf(`/lightning/r/Account/${ACCOUNT}/related/Contacts/view`);
    expect(salesforce.pageKind(url)).toBe('account');
    expect(salesforce.detect(url, emptyDoc())).toEqual({
      crm: 'salesforce',
      type: 'Account',
      id: ACCOUNT,
    });
    const unnamed = sf(`/lightning/r/${CONTACT}/related/Cases/view`);
    expect(salesforce.detect(unnamed, emptyDoc())?.id).toBe(CONTACT);
  });

  it('record edit page', () => {
    const url = sf(`/lightning/r/Contact/${CONTACT}/edit`);
    expect(salesforce.pageKind(url)).toBe('contact');
    expect(salesforce.detect(url, emptyDoc())?.id).toBe(CONTACT);
  });

  it('console URL: the focused subtab wins over its workspace', () => {
    const url = sf(
      `/lightning/r/Contact/${CONTACT}/view${ws(`/lightning/r/Account/${ACCOUNT}/view`)}`,
    );
    expect(salesforce.detect(url, emptyDoc())?.id).toBe(CONTACT);
  });

  it('console URL: a case whose contact has not rendered belongs to the workspace account', () => {
    const url = sf(`/lightning/r/Case/${CASE}/view${ws(`/lightning/r/Account/${ACCOUNT}/view`)}`);
    expect(salesforce.pageKind(url)).toBe('case');
    expect(salesforce.detect(url, emptyDoc())).toEqual({
      crm: 'salesforce',
      type: 'Account',
      id: ACCOUNT,
      context: CASE,
    });
  });

  it('other paths are no customer page', () => {
    for (const path of [
      '/lightning/o/Contact/list',
      '/lightning/page/home',
      '/lightning/setup/ObjectManager/home',
      '/lightning/r/Opportunity/006Dn00000AbCdE/view',
      `/lightning/r/Contact/${CONTACT}/clone`,
      `/lightning/r/Contact/${CONTACT}/related/Cases`,
      `/lightning/r/Contact/${CONTACT}/view/extra`,
    ]) {
      expect(salesforce.pageKind(sf(path)), path).toBeNull();
      expect(salesforce.detect(sf(path), emptyDoc()), path).toBeNull();
    }
  });
});

describe('salesforce case contact from the page', () => {
  it('reads the focused case subtab’s contact, not the background subtab’s', () => {
    const url = sf(`/lightning/r/Case/${CASE}/view${ws(`/lightning/r/Account/${ACCOUNT}/view`)}`);
    const doc = loadFixture('salesforce.console-case.html');
    expect(salesforce.detect(url, doc)).toEqual({
      crm: 'salesforce',
      type: 'Contact',
      id: OTHER_CONTACT,
      email: 'priya.raman@example.com',
      phone: '+44 20 7946 0321',
      displayName: 'Priya Raman',
      context: CASE,
    });
  });

  it('follows the focus when the other subtab becomes the active one', () => {
    const doc = loadFixture('salesforce.console-case.html');
    const [background, focused] = [...doc.querySelectorAll('section.oneConsoleTab')];
    for (const el of [focused, focused?.querySelector('.lafPageHost')])
      el?.classList.remove('active');
    for (const el of [background, background?.querySelector('.lafPageHost')])
      el?.classList.add('active');
    const url = sf(`/lightning/r/Case/${OTHER_CASE}/view`);
    expect(salesforce.detect(url, doc)).toEqual({
      crm: 'salesforce',
      type: 'Contact',
      id: CONTACT,
      email: 'elena.fischer@example.com',
      displayName: 'Elena Fischer',
      context: OTHER_CASE,
    });
  });

  it('a page host left inactive hides its case even inside an active panel', () => {
    const doc = html(
      `<section class="tabContent active oneConsoleTab">` +
        `<div class="oneContent lafPageHost">${contactField(CONTACT, 'Elena Fischer')}</div>` +
        `<div class="oneContent active lafPageHost">${contactField(OTHER_CONTACT, 'Priya Raman')}</div>` +
        `</section>`,
    );
    expect(salesforce.detect(sf(`/lightning/r/Case/${CASE}/view`), doc)?.id).toBe(OTHER_CONTACT);
  });

  it('reads email and phone from the same case view as the contact', () => {
    const doc = html(
      `<div class="oneContent lafPageHost">${emailField('elena.fischer@example.com')}</div>` +
        `<div class="oneContent active lafPageHost">${contactField(OTHER_CONTACT, 'Priya Raman')}</div>`,
    );
    const ref = salesforce.detect(sf(`/lightning/r/Case/${CASE}/view`), doc);
    expect(ref?.id).toBe(OTHER_CONTACT);
    expect(ref?.email).toBeUndefined();
  });

  it('reads a case on standard navigation (one active page host)', () => {
    const doc = html(
      `<div class="windowViewMode-normal oneContent active lafPageHost">` +
        contactField(CONTACT, ' Elena  Fischer ') +
        emailField('elena.fischer@example.com') +
        `</div>`,
    );
    expect(salesforce.detect(sf(`/lightning/r/Case/${CASE}/view`), doc)).toEqual({
      crm: 'salesforce',
      type: 'Contact',
      id: CONTACT,
      email: 'elena.fischer@example.com',
      displayName: 'Elena Fischer',
      context: CASE,
    });
  });

  it('reads the contact id from data-recordid when the link has no record href', () => {
    const doc = html(
      `<div data-target-selection-name="sfdc:RecordField.Case.ContactId">` +
        `<a data-recordid="${CONTACT}" href="javascript:void(0);">Elena Fischer</a></div>`,
    );
    expect(salesforce.detect(sf(`/lightning/r/Case/${CASE}/view`), doc)?.id).toBe(CONTACT);
  });

  it('ignores links to records that are no contact and ids with a bad checksum', () => {
    for (const [id, href] of [
      [ACCOUNT, `/lightning/r/${ACCOUNT}/view`],
      ['003Dn00000QXbZ1AAA', 'javascript:void(0);'],
      ['<script>', 'javascript:void(0);'],
    ]) {
      const doc = html(
        `<div data-target-selection-name="sfdc:RecordField.Case.ContactId">` +
          `<a data-recordid="${id}" href="${href}">Someone</a></div>`,
      );
      expect(salesforce.detect(sf(`/lightning/r/Case/${CASE}/view`), doc), id).toBeNull();
    }
  });

  it('reads nothing when two visible case views disagree and no focus marks tell them apart', () => {
    const url = sf(`/lightning/r/Case/${CASE}/view${ws(`/lightning/r/Account/${ACCOUNT}/view`)}`);
    const doc = html(
      `<div>${contactField(CONTACT, 'Elena Fischer')}</div>` +
        `<div>${contactField(OTHER_CONTACT, 'Priya Raman')}</div>`,
    );
    // Not the first-rendered contact: the workspace account, the one thing the address proves.
    expect(salesforce.detect(url, doc)).toEqual({
      crm: 'salesforce',
      type: 'Account',
      id: ACCOUNT,
      context: CASE,
    });
  });

  it('skips views hidden by style, hidden or aria-hidden', () => {
    for (const hiding of ['style="display: none"', 'hidden', 'aria-hidden="true"']) {
      const doc = html(
        `<div ${hiding}>${contactField(CONTACT, 'Elena Fischer')}</div>` +
          `<div>${contactField(OTHER_CONTACT, 'Priya Raman')}</div>`,
      );
      expect(salesforce.detect(sf(`/lightning/r/Case/${CASE}/view`), doc)?.id, hiding).toBe(
        OTHER_CONTACT,
      );
    }
  });

  it('reports nothing for a lone case with no rendered contact', () => {
    expect(salesforce.detect(sf(`/lightning/r/Case/${CASE}/view`), emptyDoc())).toBeNull();
  });

  it('bounds what it reads: an overlong name is cut, an overlong email dropped', () => {
    const longName = 'N'.repeat(5_000);
    const longEmail = `${'a'.repeat(300)}@example.com`;
    const doc = html(contactField(CONTACT, longName) + emailField(longEmail));
    const ref = salesforce.detect(sf(`/lightning/r/Case/${CASE}/view`), doc);
    expect(ref?.displayName?.length).toBe(200);
    expect(ref?.email).toBeUndefined();
  });
});

describe('salesforce API', () => {
  it('offers no API lookup: the Lightning session cannot call the REST API', () => {
    expect(salesforce.apiLookup).toBeUndefined();
  });
});
