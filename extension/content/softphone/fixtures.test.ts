// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { messageAdaptersById, pageAdaptersById } from './index.ts';
import type { CallMessageReader, SoftphoneCall } from './types.ts';
import { loadPage, messageFixtures, pageCases } from './fixtures.test-support.ts';

const pageAdapters = Object.values(pageAdaptersById);
const messageAdapters = Object.values(messageAdaptersById);

/** The reader a message fixture is for, after the origin check the runtime makes first. */
function readerFor(adapterId: string, origin: string, pageUrl?: string): CallMessageReader {
  const page = pageAdapters.find((adapter) => adapter.id === adapterId);
  if (page?.readOwnMessage) {
    expect(pageUrl && page.matches(new URL(pageUrl))).toBe(true);
    expect(pageUrl && new URL(pageUrl).origin).toBe(origin);
    return page.readOwnMessage;
  }
  const adapter = messageAdapters.find((candidate) => candidate.id === adapterId);
  if (!adapter) throw new Error(`no softphone adapter ${adapterId}`);
  expect(adapter.acceptsOrigin(origin)).toBe(true);
  return adapter.readMessage;
}

describe('page softphones against the rebuilt pages', () => {
  it('has pages for every adapter that reads the page, and none for URL-only ones', () => {
    const covered = new Set(pageCases.map((c) => c.fixture.split('/')[0]));
    for (const adapter of pageAdapters) {
      expect(covered.has(adapter.id)).toBe(adapter.readsPage);
    }
  });

  for (const { fixture, url, expectedCall } of pageCases) {
    it(`${fixture} at ${url}`, () => {
      const parsed = new URL(url);
      const claimants = pageAdapters.filter((adapter) => adapter.matches(parsed));
      expect(claimants).toHaveLength(1);
      expect(claimants[0]?.detectCall(parsed, loadPage(fixture))).toEqual(expectedCall);
    });
  }
});

describe('message softphones against the rebuilt message sequences', () => {
  it('has a sequence file for every message adapter and every page adapter reading its own', () => {
    const covered = new Set(messageFixtures.map((fixture) => fixture.adapter));
    for (const adapter of messageAdapters) expect(covered).toContain(adapter.id);
    for (const adapter of pageAdapters) {
      if (adapter.readOwnMessage) expect(covered).toContain(adapter.id);
    }
  });

  for (const fixture of messageFixtures) {
    for (const sequence of fixture.sequences) {
      it(`${fixture.adapter}: ${sequence.name}`, () => {
        const read = readerFor(fixture.adapter, fixture.origin, fixture.pageUrl);
        let current: SoftphoneCall | null = null;
        for (const [index, step] of sequence.steps.entries()) {
          const next = read(structuredClone(step.data), current);
          if (next !== undefined) current = next;
          expect({ step: index, call: current }).toEqual({ step: index, call: step.expectedCall });
        }
      });
    }
  }
});
