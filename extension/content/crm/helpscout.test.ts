// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { helpScout } from './helpscout.ts';
import { loadFixture } from './fixtures.test-support.ts';

const hs = (path: string) => new URL(`https://secure.helpscout.net${path}`);
const A = '/conversation/2900000123/40123';
const page = (title: string, sidebar: string) =>
  new DOMParser().parseFromString(
    `<html><head><title>${title}</title></head><body><main></main><aside>${sidebar}</aside></body></html>`,
    'text/html',
  );
const emails = (...links: string[]) =>
  `<div data-cy="Sidebar.CustomerEmails">${links.join('')}</div>`;
const link = (href: string, text: string) =>
  `<a data-testid="EmailList.EmailLink" href="${href}"><span class="c-Truncate__content">${text}</span></a>`;

const janeRef = {
  crm: 'helpscout',
  type: 'customer',
  id: '700000123',
  email: 'jane.example@example.com',
  displayName: 'Jane Example',
  context: '2900000123',
};

describe('helpscout: hosts', () => {
  it('matches secure.helpscout.net over https only', () => {
    expect(helpScout.matches(hs(A))).toBe(true);
    for (const url of [
      `http://secure.helpscout.net${A}`,
      `https://secure.helpscout.net.evil.example${A}`,
      `https://evilsecure.helpscout.net${A}`,
      `https://api.helpscout.net${A}`,
      `https://www.helpscout.com${A}`,
    ]) {
      expect(helpScout.matches(new URL(url))).toBe(false);
    }
  });
});

describe('helpscout: URL forms', () => {
  it('claims /conversation/<id>/<number>, with or without slash, query or fragment', () => {
    for (const path of [A, `${A}/`, `${A}?folderId=39835`, `${A}?viewId=7000001#thread-123`]) {
      expect(helpScout.pageKind(hs(path))).toBe('conversation');
      expect(helpScout.detect(hs(path), loadFixture('helpscout.conversation.html'))).toEqual(
        janeRef,
      );
    }
  });

  it('claims no lists, new conversations, customers or malformed ids', () => {
    for (const path of [
      '/inboxes/0123456789abcdef/views/42',
      '/inboxes/0123456789abcdef/views/all',
      '/inboxes/0123456789abcdef/chats',
      '/inboxes/0123456789abcdef/conversation/new/',
      '/conversation/2900000123',
      '/conversation/2900000123/40123/extra',
      '/conversation/29x/40123',
      '/customer/700000123/',
      '/',
    ]) {
      expect(helpScout.pageKind(hs(path))).toBeNull();
      expect(helpScout.detect(hs(path), loadFixture('helpscout.conversation.html'))).toBeNull();
    }
  });

  it('has no API lookup (the Mailbox API is OAuth on api.helpscout.net)', () => {
    expect(helpScout.apiLookup).toBeUndefined();
  });
});

describe('helpscout: the conversation page', () => {
  it('reads the first email, the customer id and the title name', () => {
    const doc = page(
      '#40123 Refund - Jane Example',
      emails(
        link('/customer/700000123/', 'jane.example@example.com'),
        link('/customer/700000123/', 'b@example.com'),
      ),
    );
    expect(helpScout.detect(hs(A), doc)).toEqual({ ...janeRef });
  });

  it('splits the title at the last " - " (subjects may hold one)', () => {
    const doc = page('#40123 Order 12 - damaged - Jane Example', '');
    expect(helpScout.detect(hs(A), doc)).toEqual({
      crm: 'helpscout',
      type: 'conversation',
      displayName: 'Jane Example',
      context: '2900000123',
    });
  });

  it('reports the conversation alone before the title and sidebar render', () => {
    const empty = new DOMParser().parseFromString('<html><body></body></html>', 'text/html');
    expect(helpScout.detect(hs(A), empty)).toEqual({
      crm: 'helpscout',
      type: 'conversation',
      context: '2900000123',
    });
  });

  it("ignores a stale sidebar and title of another conversation's number", () => {
    // The CSR switched to 40124; the page still shows conversation 40123's customer.
    const stale = loadFixture('helpscout.conversation.html');
    expect(helpScout.detect(hs('/conversation/2900000124/40124'), stale)).toEqual({
      crm: 'helpscout',
      type: 'conversation',
      context: '2900000124',
    });
    // A title without a number ties nothing either.
    const untitled = page('Help Scout', emails(link('/customer/1/', 'a@example.com')));
    expect(helpScout.detect(hs(A), untitled)).toEqual({
      crm: 'helpscout',
      type: 'conversation',
      context: '2900000123',
    });
  });

  it('drops over-long emails, text that is no email and bad customer links', () => {
    const doc = page(
      '#40123 Refund - Jane Example',
      emails(
        link('https://evil.example/customer/5/', `${'a'.repeat(300)}@example.com`),
        link('/customers/list', 'not an email'),
        link('http://[bad', 'jane example@example.com'),
      ),
    );
    expect(helpScout.detect(hs(A), doc)).toEqual({
      crm: 'helpscout',
      type: 'conversation',
      displayName: 'Jane Example',
      context: '2900000123',
    });
  });

  it('takes a later valid email when the first link holds none, and bounds the name', () => {
    const doc = page(
      `#40123 Refund - ${'N'.repeat(1000)}`,
      emails(link('/customer/700000123', ''), link('/customer/9/', 'jane.work@example.com')),
    );
    const ref = helpScout.detect(hs(A), doc);
    expect(ref?.id).toBe('700000123');
    expect(ref?.email).toBe('jane.work@example.com');
    expect(ref?.displayName).toHaveLength(200);
  });

  it('reads email links outside the customer emails block not at all', () => {
    const doc = page(
      '#40123 Refund - Jane Example',
      link('/customer/700000123/', 'jane.example@example.com'),
    );
    expect(helpScout.detect(hs(A), doc)?.email).toBeUndefined();
  });

  it('reads the fixtures of the second and the no-identifier conversation', () => {
    expect(
      helpScout.detect(
        hs('/conversation/2900000456/40187'),
        loadFixture('helpscout.second-conversation.html'),
      ),
    ).toEqual({
      crm: 'helpscout',
      type: 'customer',
      id: '700000456',
      email: 'omar.haddad@example.com',
      displayName: 'Omar Haddad',
      context: '2900000456',
    });
    expect(
      helpScout.detect(
        hs('/conversation/2900000789/40201/'),
        loadFixture('helpscout.no-identifier.html'),
      ),
    ).toEqual({
      crm: 'helpscout',
      type: 'conversation',
      displayName: 'Visitor',
      context: '2900000789',
    });
  });
});
