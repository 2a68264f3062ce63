// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { intercom, parseEmberConversation } from './intercom.ts';
import { loadFixture, loadFixtureJson } from './fixtures.test-support.ts';

const emptyDoc = () => new DOMParser().parseFromString('<html><body></body></html>', 'text/html');
const inbox = (path: string, host = 'app.intercom.com') => new URL(`https://${host}${path}`);
const answer = loadFixtureJson;

describe('intercom: hosts', () => {
  it('matches the inbox and its EU and AU hosts over https only', () => {
    expect(intercom.matches(inbox('/a/inbox/qz7k2m4p/inbox/shared/all'))).toBe(true);
    expect(intercom.matches(inbox('/', 'app.eu.intercom.com'))).toBe(true);
    expect(intercom.matches(inbox('/', 'app.au.intercom.com'))).toBe(true);
    expect(intercom.matches(new URL('http://app.intercom.com/'))).toBe(false);
    expect(intercom.matches(inbox('/', 'app.intercom.com.evil.example'))).toBe(false);
    expect(intercom.matches(inbox('/', 'widget.intercom.io'))).toBe(false);
  });
});

describe('intercom: URL forms', () => {
  it('claims the inbox conversation page, with any view in between', () => {
    for (const path of [
      '/a/inbox/qz7k2m4p/inbox/shared/all/conversation/215470000000123',
      '/a/inbox/qz7k2m4p/inbox/conversation/215470000000123',
      '/a/inbox/qz7k2m4p/inbox/admin/5503945/conversation/215470000000123/',
      '/a/apps/qz7k2m4p/inbox/inbox/all/conversations/215470000000123',
      '/a/apps/qz7k2m4p/inbox/inbox/unassigned/conversations/215470000000123',
    ]) {
      expect(intercom.pageKind(inbox(path)), path).toBe('conversation');
      expect(intercom.apiLookup?.(inbox(path))?.path, path).toBe(
        '/ember/inbox/conversations/215470000000123?app_id=qz7k2m4p',
      );
    }
  });

  it('leaves lists, settings and malformed ids alone', () => {
    for (const path of [
      '/a/inbox/qz7k2m4p/inbox/shared/all',
      '/a/apps/qz7k2m4p/settings',
      '/a/inbox/qz7k2m4p/inbox/conversation/abc',
      '/a/inbox/QZ7K2M4P!/inbox/conversation/1',
    ]) {
      expect(intercom.pageKind(inbox(path)), path).toBeNull();
      expect(intercom.apiLookup?.(inbox(path)), path).toBeNull();
      expect(intercom.detect(inbox(path), emptyDoc()), path).toBeNull();
    }
  });
});

describe('intercom: the page', () => {
  it('names the conversation, and the contact only as a name (nothing on the page identifies them)', () => {
    const url = inbox('/a/inbox/qz7k2m4p/inbox/shared/all/conversation/215470000000123');
    expect(intercom.detect(url, loadFixture('intercom.conversation.html'))).toEqual({
      crm: 'intercom',
      type: 'conversation',
      displayName: 'Dana Whitfield',
      context: '215470000000123',
    });
    expect(intercom.detect(url, emptyDoc())).toEqual({
      crm: 'intercom',
      type: 'conversation',
      context: '215470000000123',
    });
  });
});

describe('intercom: the /ember conversation answer', () => {
  it('reads the conversation’s user: id, email and name', () => {
    expect(
      parseEmberConversation(answer('intercom.conversation-api.json'), '215470000000123'),
    ).toEqual({
      crm: 'intercom',
      type: 'user',
      id: '64f1c0a91e9ef4a6061d3d4f',
      email: 'dana.whitfield@example.com',
      displayName: 'Dana Whitfield',
      context: '215470000000123',
    });
  });

  it('names nobody for another conversation, an answer without its user, or a malformed answer', () => {
    expect(
      parseEmberConversation(answer('intercom.conversation-api.json'), '215470000000124'),
    ).toBeNull();
    expect(
      parseEmberConversation({ id: 215470000000125, state: 'open' }, '215470000000125'),
    ).toBeNull();
    expect(parseEmberConversation(null, '1')).toBeNull();
    expect(parseEmberConversation({ id: 1, user_summary: 'dana@example.com' }, '1')).toBeNull();
    expect(
      parseEmberConversation(
        { id: 1, user_summary: { email: `${'x'.repeat(400)}@example.com` } },
        '1',
      ),
    ).toBeNull();
  });

  it('sends no credentials of its own: the agent’s session applies', () => {
    const lookup = intercom.apiLookup?.(
      inbox('/a/inbox/qz7k2m4p/inbox/conversation/215470000000123'),
    );
    expect(lookup?.key).toBe('conversation:215470000000123');
    expect(lookup?.pageSessionToken).toBeUndefined();
    expect(JSON.stringify(lookup?.headers ?? {})).not.toMatch(/authori|cookie|token/i);
  });
});
