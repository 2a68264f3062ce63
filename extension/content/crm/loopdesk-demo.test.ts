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
});
