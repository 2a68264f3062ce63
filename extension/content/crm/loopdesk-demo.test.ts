// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { loopdeskDemo } from './loopdesk-demo.ts';
import { loadFixture } from './fixtures.test-support.ts';

const docOf = (body: string) =>
  new DOMParser().parseFromString(`<html><body>${body}</body></html>`, 'text/html');
describe('loopdesk demo', () => {
  it('does not enrich from a page still showing another customer', () => {
    const doc = loadFixture('loopdesk-demo.customer.html');
    expect(
      loopdeskDemo.detect(new URL('http://localhost:8787/demo/customers/C000043'), doc),
    ).toEqual({
      crm: 'demo',
      type: 'customer',
      id: 'C000043',
    });
  });

  it('rejects other paths and a ticket without a requester', () => {
    expect(loopdeskDemo.matches(new URL('http://localhost:8787/demo/customers/'))).toBe(false);
    expect(loopdeskDemo.matches(new URL('http://localhost:8787/demo'))).toBe(false);
    expect(
      loopdeskDemo.detect(new URL('http://localhost:8787/demo/tickets/9'), docOf('<main></main>')),
    ).toBeNull();
  });

  it('reads the focused chat conversation’s contact, once the console shows that conversation', () => {
    const chat = (id: string, contact: string) =>
      docOf(
        `<main data-demo-page="chat" data-conversation-id="${id}"><section class="requester">${contact}</section></main>`,
      );
    const url = new URL('http://localhost:8787/demo/chats/2');
    expect(loopdeskDemo.pageKind(url)).toBe('chat');
    const ada = '<dd data-field="name">Ada</dd><dd data-field="email">ada@example.com</dd>';
    expect(loopdeskDemo.detect(url, chat('2', ada))).toEqual({
      crm: 'demo',
      type: 'customer',
      email: 'ada@example.com',
      displayName: 'Ada',
      context: 'chat-2',
    });
    // Still the previous conversation on screen: nothing yet.
    expect(loopdeskDemo.detect(url, chat('1', ada))).toBeNull();
    // A visitor who gave nothing: the conversation alone.
    expect(
      loopdeskDemo.detect(url, chat('2', '<dd data-field="name">Website visitor</dd>')),
    ).toEqual({
      crm: 'demo',
      type: 'conversation',
      displayName: 'Website visitor',
      context: 'chat-2',
    });
  });
});
