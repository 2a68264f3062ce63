// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { messageSchemas } from '../../messaging/schemas.ts';
import { chatwoot, parseConversation } from './chatwoot.ts';
import { loadFixture, loadFixtureJson } from './fixtures.test-support.ts';

const emptyDoc = () => new DOMParser().parseFromString('<html><body></body></html>', 'text/html');
const desk = (path: string) => new URL(`https://chat.acme-outdoor.example${path}`);
const answer = loadFixtureJson;

describe('chatwoot: URL forms (any origin: the admin enters it)', () => {
  it('claims every conversation route of the dashboard', () => {
    for (const path of [
      '/app/accounts/1/conversations/4217',
      '/app/accounts/1/inbox/3/conversations/4217',
      '/app/accounts/1/label/billing/conversations/4217',
      '/app/accounts/1/team/2/conversations/4217',
      '/app/accounts/1/custom_view/7/conversations/4217',
      '/app/accounts/1/mentions/conversations/4217',
      '/app/accounts/1/participating/conversations/4217',
      '/app/accounts/1/unattended/conversations/4217/',
    ]) {
      expect(chatwoot.matches(desk(path)), path).toBe(true);
      expect(chatwoot.pageKind(desk(path)), path).toBe('conversation');
      expect(chatwoot.apiLookup?.(desk(path))?.path, path).toBe(
        '/api/v1/accounts/1/conversations/4217',
      );
    }
  });

  it('leaves lists, contacts, the notification inbox and other sites alone', () => {
    for (const path of [
      '/app/accounts/1/dashboard',
      '/app/accounts/1/inbox/3',
      '/app/accounts/1/contacts/381',
      '/app/accounts/1/inbox-view/99',
      '/app/accounts/x/conversations/1',
      '/conversations/4217',
    ]) {
      expect(chatwoot.matches(desk(path)), path).toBe(false);
      expect(chatwoot.pageKind(desk(path)), path).toBeNull();
      expect(chatwoot.detect(desk(path), emptyDoc()), path).toBeNull();
    }
  });
});

describe('chatwoot: the contact panel', () => {
  it('reads the contact’s id, email, phone and name from the panel, not from messages', () => {
    const doc = loadFixture('chatwoot.conversation.html');
    expect(chatwoot.detect(desk('/app/accounts/1/conversations/4217'), doc)).toEqual({
      crm: 'chatwoot',
      type: 'contact',
      id: '381',
      email: 'harper.johnson@example.com',
      phone: '+15555550142',
      displayName: 'Harper Johnson',
      context: '1/4217',
    });
  });

  it('with the panel closed, reports the conversation alone; a message’s mailto is no contact', () => {
    const doc = loadFixture('chatwoot.no-identifier.html');
    expect(doc.querySelector('a[href^="mailto:"]')).not.toBeNull();
    expect(chatwoot.detect(desk('/app/accounts/1/conversations/4219'), doc)).toEqual({
      crm: 'chatwoot',
      type: 'conversation',
      context: '1/4219',
    });
  });

  it('ignores a profile link of another account and values that are not an email or phone', () => {
    const doc = new DOMParser().parseFromString(
      `<div><h3>Mallory</h3><a href="/app/accounts/2/contacts/9" target="_blank"></a>
       <a href="mailto:x"><span title="not an email">not an email</span></a></div>
       <div><h3>Eve</h3><a href="/app/accounts/1/contacts/12" target="_blank"></a>
       <a href="tel:x"><span title="call me maybe">call me maybe</span></a></div>`,
      'text/html',
    );
    expect(chatwoot.detect(desk('/app/accounts/1/conversations/5'), doc)).toEqual({
      crm: 'chatwoot',
      type: 'contact',
      id: '12',
      displayName: 'Eve',
      context: '1/5',
    });
  });
});

describe('chatwoot: the conversation API', () => {
  it('reads meta.sender of the address’s conversation', () => {
    expect(parseConversation(answer('chatwoot.conversation-api.json'), '1', '4217')).toEqual({
      crm: 'chatwoot',
      type: 'contact',
      id: '381',
      email: 'harper.johnson@example.com',
      phone: '+15555550142',
      displayName: 'Harper Johnson',
      context: '1/4217',
    });
  });

  it('names nobody in another conversation or account, or in a malformed answer', () => {
    const body = answer('chatwoot.conversation-api.json');
    expect(parseConversation(body, '1', '4218')).toBeNull();
    expect(parseConversation(body, '2', '4217')).toBeNull();
    expect(parseConversation({ id: 4217, meta: 'x' }, '1', '4217')).toBeNull();
    expect(parseConversation('[]', '1', '4217')).toBeNull();
  });

  it('asks the worker to run it with the page’s sign-in headers, on a path the worker accepts', () => {
    const lookup = chatwoot.apiLookup?.(desk('/app/accounts/1/conversations/4217'));
    expect(lookup?.pageSessionToken).toBe('chatwoot-session-cookie');
    expect(
      messageSchemas['crm-api-request'].safeParse({
        path: lookup?.path,
        pageSessionToken: lookup?.pageSessionToken,
      }).success,
    ).toBe(true);
    // The worker runs nothing else in the page under Chatwoot's headers.
    expect(
      messageSchemas['crm-api-request'].safeParse({
        path: '/api/v1/accounts/1/contacts/381',
        pageSessionToken: 'chatwoot-session-cookie',
      }).success,
    ).toBe(false);
    expect(
      messageSchemas['crm-api-request'].safeParse({
        path: '/api/v1/accounts/1/conversations/4217',
        pageSessionToken: 'servicenow-g_ck',
      }).success,
    ).toBe(false);
  });
});
