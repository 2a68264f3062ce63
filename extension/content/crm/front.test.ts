import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiConversationId, front } from './front.ts';
import type { FixtureCase } from './fixtures.test-support.ts';

const fr = (path: string) => new URL(`https://app.frontapp.com${path}`);
// The adapter reads the address only; any document will do.
const doc = {} as Document;
const conversation = (context: string) => ({ crm: 'front', type: 'conversation', context });

describe('front: hosts', () => {
  it('matches app.frontapp.com over https only', () => {
    expect(front.matches(fr('/open/cnv_55c8c149'))).toBe(true);
    for (const url of [
      'http://app.frontapp.com/open/cnv_55c8c149',
      'https://app.frontapp.com.evil.example/open/cnv_55c8c149',
      'https://evilapp.frontapp.com/open/cnv_55c8c149',
      'https://api2.frontapp.com/conversations/cnv_55c8c149',
      'https://frontapp.com/open/cnv_55c8c149',
    ]) {
      expect(front.matches(new URL(url))).toBe(false);
    }
  });
});

describe('front: conversation addresses', () => {
  it('keeps the permalink id', () => {
    expect(front.pageKind(fr('/open/cnv_55c8c149'))).toBe('conversation');
    expect(front.detect(fr('/open/cnv_55c8c149/'), doc)).toEqual(conversation('cnv_55c8c149'));
  });

  it('turns the decimal in-app id into the API id (base 36)', () => {
    expect(apiConversationId('120537545061')).toBe('cnv_1jdgxx0l');
    expect(apiConversationId('7256583')).toBe(`cnv_${(7256583).toString(36)}`);
    // Beyond 2^53: exact with BigInt (Number would round).
    expect(apiConversationId('9007199254740993')).toBe('cnv_2gosa7pa2gx');
    for (const bad of ['0', '007', '', '1,2', '12a', '9'.repeat(40)]) {
      expect(apiConversationId(bad)).toBeUndefined();
    }
  });

  it('reads the last segment of every evidenced inbox form', () => {
    for (const path of [
      '/inboxes/teams/folders/7256583/unassigned/120537545061',
      '/inboxes/teams/views/4417/open/120537545061',
      '/inboxes/teammates/3301/inbox/all/120537545061',
      '/inboxes/shared/support/open/120537545061',
      '/inboxes/teams/assigned/12/inbox/open/120537545061/',
    ]) {
      expect(front.pageKind(fr(path))).toBe('conversation');
      expect(front.detect(fr(path), doc)).toEqual(conversation('cnv_1jdgxx0l'));
    }
  });

  it('claims nothing when no conversation, or several, are selected', () => {
    for (const path of [
      '/inboxes/teams/assigned/12/inbox/open/0',
      '/inboxes/teams/views/4417/open/120537545061,120537545062',
      '/inboxes/teams/views/4417/open/,',
      '/inboxes/teams/views/4417',
      '/inboxes/teams/folders/7256583/unassigned',
      '/inboxes/teams/assigned/12',
      '/inboxes/open/120537545061',
      '/open/cnv_',
      '/open/CNV_55C8C149',
      '/open/cnv_55c8c149/extra',
      '/conversations/cnv_55c8c149',
      '/settings/tim/profile',
      '/',
    ]) {
      expect(front.pageKind(fr(path))).toBeNull();
      expect(front.detect(fr(path), doc)).toBeNull();
    }
  });

  it('offers no API lookup (no session API is evidenced)', () => {
    expect(front.apiLookup).toBeUndefined();
  });
});

describe('front: the recorded pages', () => {
  const cases = JSON.parse(
    readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), '../../../e2e/fixtures/chat/front.cases.json'),
      'utf8',
    ),
  ) as FixtureCase[];

  it('has conversations A and B on one origin, with different ids', () => {
    expect(cases.map((c) => c.fixture)).toEqual([
      'front.conversation.html',
      'front.second-conversation.html',
    ]);
    expect(new Set(cases.map((c) => new URL(c.url).origin)).size).toBe(1);
    expect(new Set(cases.map((c) => c.expectedRef?.context)).size).toBe(2);
  });

  for (const { fixture, url, expectedRef } of cases) {
    it(`${fixture} is the conversation alone, from its address`, () => {
      expect(front.detect(new URL(url), doc)).toEqual(expectedRef);
    });
  }
});
