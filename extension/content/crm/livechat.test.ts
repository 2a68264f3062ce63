// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { liveChat } from './livechat.ts';
import { type FixtureCase, loadFixture } from './fixtures.test-support.ts';

const lc = (path: string) => new URL(`https://my.livechatinc.com${path}`);
const A = '/chats/Q7XK2M9PLA/Q7XK2M9PLB';
const B = '/chats/R4TN8V2KQC/R4TN8V2KQD';
const page = (body: string) =>
  new DOMParser().parseFromString(`<html><body>${body}</body></html>`, 'text/html');
const card = (inner: string) =>
  `<div data-testid="general-info"><div class="css-19xtuo8">${inner}</div></div>`;

const refA = {
  crm: 'livechat',
  type: 'customer',
  email: 'dana.whitfield@example.com',
  displayName: 'Dana Whitfield',
  context: 'Q7XK2M9PLA/Q7XK2M9PLB',
};

describe('livechat: hosts and addresses', () => {
  it('matches my.livechatinc.com over https only', () => {
    expect(liveChat.matches(lc(A))).toBe(true);
    for (const url of [
      `http://my.livechatinc.com${A}`,
      `https://my.livechatinc.com.evil.example${A}`,
      `https://evilmy.livechatinc.com${A}`,
      `https://app.livechatinc.com${A}`,
      `https://www.livechat.com${A}`,
    ]) {
      expect(liveChat.matches(new URL(url))).toBe(false);
    }
  });

  it('claims /chats/<id>, /chats/<id>/<id> and /archives/<id>', () => {
    for (const path of [A, `${A}/`, '/chats/S2HW5J7MXE', '/archives/OU0V0U3IMN', `${A}?x=1`]) {
      expect(liveChat.pageKind(lc(path))).toBe('conversation');
    }
    expect(liveChat.detect(lc('/archives/OU0V0U3IMN'), page(''))).toEqual({
      crm: 'livechat',
      type: 'conversation',
      context: 'OU0V0U3IMN',
    });
    expect(liveChat.detect(lc('/chats/NY0U96PIT4'), page(''))?.context).toBe('NY0U96PIT4');
  });

  it('refuses lists, other sections and malformed ids', () => {
    for (const path of [
      '/',
      '/chats',
      '/chats/',
      '/archives',
      '/archives/?query=93380b5f-2561-4286-76dd-57a457fe8b5b',
      '/engage/traffic',
      '/customers/ed9d4095-45d6-428d-5093-f8ec7f1f81b9',
      '/chats/q7xk2m9pla',
      '/chats/Q7XK/Q7XK',
      '/chats/Q7XK2M9PLA/Q7XK2M9PLB/Q7XK2M9PLC',
      '/chats/Q7XK2M9PLA%2FQ7XK2M9PLB',
      `/chats/${'A'.repeat(40)}`,
    ]) {
      expect(liveChat.pageKind(lc(path))).toBeNull();
      expect(liveChat.detect(lc(path), loadFixture('livechat.conversation.html'))).toBeNull();
    }
  });

  it('offers no API lookup (no session-cookie API is evidenced)', () => {
    expect(liveChat.apiLookup).toBeUndefined();
  });
});

describe('livechat: the recorded pages', () => {
  const cases = JSON.parse(
    readFileSync(
      join(
        dirname(fileURLToPath(import.meta.url)),
        '../../../e2e/fixtures/chat/livechat.cases.json',
      ),
      'utf8',
    ),
  ) as FixtureCase[];

  it('has conversation A, B and a no-identifier page on one origin', () => {
    expect(cases.map((c) => c.fixture)).toEqual([
      'livechat.conversation.html',
      'livechat.second-conversation.html',
      'livechat.no-identifier.html',
    ]);
    expect(new Set(cases.map((c) => new URL(c.url).origin)).size).toBe(1);
    expect(new Set(cases.map((c) => c.expectedRef?.context)).size).toBe(3);
  });

  for (const { fixture, url, expectedRef } of cases) {
    it(`${fixture}`, () => {
      expect(liveChat.detect(new URL(url), loadFixture(fixture))).toEqual(expectedRef);
    });
  }

  it('reads conversation A: email and name from the details card', () => {
    expect(liveChat.detect(lc(A), loadFixture('livechat.conversation.html'))).toEqual(refA);
  });
});

describe('livechat: the details card', () => {
  it('reports the conversation alone when there is no card or list', () => {
    expect(liveChat.detect(lc(A), page('<main></main>'))).toEqual({
      crm: 'livechat',
      type: 'conversation',
      context: 'Q7XK2M9PLA/Q7XK2M9PLB',
    });
  });

  it('takes an email from another paragraph of the card when the build hash changed', () => {
    const doc = page(card('<div><span>Dana</span></div><p>Dana</p><p>dana@example.com</p>'));
    expect(liveChat.detect(lc(A), doc)).toEqual({
      crm: 'livechat',
      type: 'customer',
      email: 'dana@example.com',
      context: 'Q7XK2M9PLA/Q7XK2M9PLB',
    });
  });

  it('never reads an email outside the card (messages, links)', () => {
    const doc = page(
      `<main><p>write to me at x@example.com</p><a href="mailto:y@example.com">y</a></main>${card('<div class="css-ensz22"><span>Customer</span></div>')}`,
    );
    expect(liveChat.detect(lc(A), doc)).toEqual({
      crm: 'livechat',
      type: 'conversation',
      displayName: 'Customer',
      context: 'Q7XK2M9PLA/Q7XK2M9PLB',
    });
  });

  it('drops over-long emails, text that is not an email and malformed phones', () => {
    const long = `${'a'.repeat(300)}@example.com`;
    for (const field of [
      long,
      'not an email',
      'dana@',
      '+',
      `+${'1'.repeat(60)}`,
      '+1 (call me)',
    ]) {
      const doc = page(card(`<p class="css-w2ducz">${field}</p>`));
      const ref = liveChat.detect(lc(A), doc);
      expect(ref?.type).toBe('conversation');
      expect(ref?.email).toBeUndefined();
      expect(ref?.phone).toBeUndefined();
    }
  });

  it('reads a phone only from the evidenced field, when it starts with +', () => {
    expect(liveChat.detect(lc(A), page(card('<p class="css-w2ducz">+1 555 0142</p>')))?.phone).toBe(
      '+1 555 0142',
    );
    expect(
      liveChat.detect(lc(A), page(card('<p class="css-w2ducz">555 0142</p>')))?.phone,
    ).toBeUndefined();
    expect(liveChat.detect(lc(A), page(card('<p>+1 555 0142</p>')))?.phone).toBeUndefined();
  });

  it('bounds the name', () => {
    const doc = page(
      card(
        `<div class="css-ensz22"><span>${'N'.repeat(1000)}</span></div><p class="css-w2ducz">n@example.com</p>`,
      ),
    );
    expect(liveChat.detect(lc(A), doc)?.displayName).toHaveLength(200);
  });

  it('reads no card when two visible cards are shown, and skips hidden ones', () => {
    const two = page(
      card('<p class="css-w2ducz">one@example.com</p>') +
        card('<p class="css-w2ducz">two@example.com</p>'),
    );
    expect(liveChat.detect(lc(A), two)?.email).toBeUndefined();
    const hidden = page(
      `<div hidden>${card('<p class="css-w2ducz">old@example.com</p>')}</div>${card('<p class="css-w2ducz">new@example.com</p>')}`,
    );
    expect(liveChat.detect(lc(A), hidden)?.email).toBe('new@example.com');
  });

  it('takes the name from the address chat list item when the card has none', () => {
    const doc = page(
      `<ul><li data-testid="chat-item-OTHER12345"><span data-testid="visitor-name">Other</span></li>
       <li data-testid="chat-item-Q7XK2M9PLB"><span data-testid="visitor-name">Dana W.</span></li></ul>`,
    );
    expect(liveChat.detect(lc(A), doc)).toEqual({
      crm: 'livechat',
      type: 'conversation',
      displayName: 'Dana W.',
      context: 'Q7XK2M9PLA/Q7XK2M9PLB',
    });
  });
});

describe('livechat: stale details card after a switch', () => {
  it('does not read conversation A card at conversation B address (active item is A)', () => {
    // The CSR clicked B: the address names B, the list still marks A, the card shows A.
    const ref = liveChat.detect(lc(B), loadFixture('livechat.conversation.html'));
    expect(ref).toEqual({
      crm: 'livechat',
      type: 'conversation',
      displayName: 'Malik Osei',
      context: 'R4TN8V2KQC/R4TN8V2KQD',
    });
  });

  it('does not read the B page card at the A address either', () => {
    const ref = liveChat.detect(lc(A), loadFixture('livechat.second-conversation.html'));
    expect(ref?.phone).toBeUndefined();
    expect(ref?.type).toBe('conversation');
    expect(ref?.displayName).toBe('Dana Whitfield');
  });

  it('accepts an active item named by either path id', () => {
    const doc = loadFixture('livechat.conversation.html');
    doc.querySelector('.css-19u39ph')?.setAttribute('data-testid', 'chat-item-Q7XK2M9PLA');
    expect(liveChat.detect(lc(A), doc)).toEqual(refA);
  });

  it('reads the card when no active item can be identified (no guard possible)', () => {
    const doc = loadFixture('livechat.conversation.html');
    doc.querySelector('.css-19u39ph')?.classList.remove('css-19u39ph');
    expect(liveChat.detect(lc(A), doc)).toEqual(refA);
    doc.querySelector('[data-testid="chat-list"]')?.remove();
    expect(liveChat.detect(lc('/archives/Q7XK2M9PLB'), doc)).toEqual({
      ...refA,
      context: 'Q7XK2M9PLB',
    });
  });

  it('honours an aria-selected active item', () => {
    const doc = loadFixture('livechat.conversation.html');
    doc.querySelector('.css-19u39ph')?.classList.remove('css-19u39ph');
    doc
      .querySelector('[data-testid="chat-item-R4TN8V2KQD"]')
      ?.setAttribute('aria-selected', 'true');
    expect(liveChat.detect(lc(A), doc)?.email).toBeUndefined();
  });
});
