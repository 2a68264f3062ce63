// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { kustomer } from './kustomer.ts';
import { loadFixture } from './fixtures.test-support.ts';

const ku = (path: string) => new URL(`https://acme.kustomerapp.com${path}`);
const CUSTOMER = '5f0c1d2e3a4b5c6d7e8f9012';
const CONVERSATION = '6a1b2c3d4e5f60718293a4b5';
// The address alone decides: detect never reads the document.
const noDoc = {} as Document;

describe('kustomer: hosts', () => {
  it('matches <org>.kustomerapp.com over https only, not the API host', () => {
    expect(kustomer.matches(ku(`/app/customers/${CUSTOMER}`))).toBe(true);
    for (const url of [
      `http://acme.kustomerapp.com/app/customers/${CUSTOMER}`,
      `https://acme.kustomerapp.com.evil.example/app/customers/${CUSTOMER}`,
      `https://acmekustomerapp.com/app/customers/${CUSTOMER}`,
      `https://acme.api.kustomerapp.com/v1/customers/${CUSTOMER}`,
      `https://kustomerapp.com/app/customers/${CUSTOMER}`,
      `https://www.kustomer.com/app/customers/${CUSTOMER}`,
    ]) {
      expect(kustomer.matches(new URL(url))).toBe(false);
    }
  });
});

describe('kustomer: URL forms', () => {
  it('/app/customers/<id> is the customer, from the address', () => {
    for (const path of [`/app/customers/${CUSTOMER}`, `/app/customers/${CUSTOMER}/?tab=1`]) {
      expect(kustomer.pageKind(ku(path))).toBe('customer');
      expect(kustomer.detect(ku(path), noDoc)).toEqual({
        crm: 'kustomer',
        type: 'customer',
        id: CUSTOMER,
      });
    }
  });

  it('/app/customers/<id>/event/<id> is a conversation of that customer', () => {
    const path = `/app/customers/${CUSTOMER}/event/${CONVERSATION}`;
    expect(kustomer.pageKind(ku(path))).toBe('conversation');
    expect(kustomer.detect(ku(path), noDoc)).toEqual({
      crm: 'kustomer',
      type: 'customer',
      id: CUSTOMER,
      context: CONVERSATION,
    });
    expect(kustomer.detect(ku(`${path}/`), noDoc)?.context).toBe(CONVERSATION);
  });

  it('/app/conversations/<id> is a conversation that names no customer', () => {
    const path = `/app/conversations/${CONVERSATION}`;
    expect(kustomer.pageKind(ku(path))).toBe('conversation');
    expect(kustomer.detect(ku(path), noDoc)).toEqual({
      crm: 'kustomer',
      type: 'conversation',
      context: CONVERSATION,
    });
  });

  it('claims no lists, searches, settings or malformed ids', () => {
    for (const path of [
      '/app/customers',
      '/app/conversations',
      '/app/search',
      '/app/settings',
      `/app/customers/${CUSTOMER.toUpperCase()}`,
      `/app/customers/${CUSTOMER}0`,
      `/app/customers/${CUSTOMER.slice(1)}`,
      `/app/customers/${CUSTOMER}/event/`,
      `/app/customers/${CUSTOMER}/event/${CONVERSATION}/extra`,
      `/app/customers/${CUSTOMER}/conversations`,
      `/app/conversations/${CONVERSATION.slice(2)}`,
      `/v1/customers/${CUSTOMER}`,
    ]) {
      expect(kustomer.pageKind(ku(path))).toBeNull();
      expect(kustomer.detect(ku(path), noDoc)).toBeNull();
    }
  });

  it('has no API lookup (the documented API is on another host)', () => {
    expect(kustomer.apiLookup).toBeUndefined();
  });
});

describe('kustomer: the fixtures', () => {
  it('reads the address, not the insight card, on each page', () => {
    expect(
      kustomer.detect(
        ku(`/app/customers/${CUSTOMER}/event/${CONVERSATION}`),
        loadFixture('kustomer.conversation.html'),
      ),
    ).toEqual({ crm: 'kustomer', type: 'customer', id: CUSTOMER, context: CONVERSATION });
    // The second customer's card is still on the page; the address names the first one.
    expect(
      kustomer.detect(
        ku(`/app/customers/${CUSTOMER}/event/${CONVERSATION}`),
        loadFixture('kustomer.second-conversation.html'),
      ),
    ).toEqual({ crm: 'kustomer', type: 'customer', id: CUSTOMER, context: CONVERSATION });
    expect(
      kustomer.detect(
        ku('/app/conversations/6a1b2c3d4e5f60718293d00d'),
        loadFixture('kustomer.no-identifier.html'),
      ),
    ).toEqual({ crm: 'kustomer', type: 'conversation', context: '6a1b2c3d4e5f60718293d00d' });
  });
});
