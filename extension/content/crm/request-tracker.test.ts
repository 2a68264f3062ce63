// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { requestTracker } from './request-tracker.ts';
import { loadFixture } from './fixtures.test-support.ts';

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
