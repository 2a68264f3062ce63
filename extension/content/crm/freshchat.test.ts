import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freshchat } from './freshchat.ts';
import type { FixtureCase } from './fixtures.test-support.ts';

const fc = (path: string, host = 'acme-outdoor.freshchat.com') => new URL(`https://${host}${path}`);
// The adapter reads the address only; any document will do.
const doc = {} as Document;
const conversation = (context: string) => ({ crm: 'freshchat', type: 'conversation', context });
const APP = '/a/318504726193847';

describe('freshchat: hosts', () => {
  it('matches <org>.freshchat.com and web.freshchat.com over https only', () => {
    for (const host of [
      'acme-outdoor.freshchat.com',
      'web.freshchat.com',
      'annailottery-org-c50a1f78c701b4017579159.freshchat.com',
    ]) {
      expect(freshchat.matches(fc('/a/1/open/conversation/2', host))).toBe(true);
    }
    for (const url of [
      'http://acme.freshchat.com/a/1/open/conversation/2',
      'https://freshchat.com/a/1/open/conversation/2',
      'https://acme.freshchat.com.evil.example/a/1/open/conversation/2',
      'https://acmefreshchat.com/a/1/open/conversation/2',
      'https://a.b.freshchat.com/a/1/open/conversation/2',
      'https://acme.myfreshworks.com/crm/messaging/a/1/inbox/open/0/conversation/2',
    ]) {
      expect(freshchat.matches(new URL(url))).toBe(false);
    }
  });
});

describe('freshchat: conversation addresses', () => {
  it('reads the conversation id of each form', () => {
    for (const path of [
      `${APP}/inbox/2/0/conversation/742915830264518`,
      `${APP}/inbox/0/0/conversation/742915830264518/`,
      `${APP}/inbox/open/0/conversation/742915830264518`,
      `${APP}/open/conversation/742915830264518`,
      `${APP}/inbox/open/0/742915830264518`,
    ]) {
      expect(freshchat.pageKind(fc(path))).toBe('conversation');
      expect(freshchat.detect(fc(path), doc)).toEqual(conversation('742915830264518'));
    }
    expect(
      freshchat.detect(
        fc(
          '/a/236306003128395/inbox/2/0/conversation/720870712804149?dev=true',
          'ipostal1.freshchat.com',
        ),
        doc,
      ),
    ).toEqual(conversation('720870712804149'));
  });

  it('claims nothing on lists, people, settings and malformed ids', () => {
    for (const path of [
      `${APP}/inbox/0/0`,
      `${APP}/inbox/3/0`,
      `${APP}/inbox/open/0/0`,
      `${APP}/inbox/2/0/conversation/0`,
      `${APP}/inbox/2/0/conversation/abc`,
      `${APP}/inbox/2/0/conversation/${'7'.repeat(40)}`,
      `${APP}/open/conversation/`,
      `${APP}/people`,
      `${APP}/settings/channels`,
      '/a/abc/open/conversation/742915830264518',
      '/open/conversation/742915830264518',
      '/',
    ]) {
      expect(freshchat.pageKind(fc(path))).toBeNull();
      expect(freshchat.detect(fc(path), doc)).toBeNull();
    }
  });

  it('offers no API lookup (the REST API takes an admin key, not the session)', () => {
    expect(freshchat.apiLookup).toBeUndefined();
  });
});

describe('freshchat: the recorded pages', () => {
  const cases = JSON.parse(
    readFileSync(
      join(
        dirname(fileURLToPath(import.meta.url)),
        '../../../e2e/fixtures/chat/freshchat.cases.json',
      ),
      'utf8',
    ),
  ) as FixtureCase[];

  it('has conversations A and B on one origin, with different ids', () => {
    expect(cases.map((c) => c.fixture)).toEqual([
      'freshchat.conversation.html',
      'freshchat.second-conversation.html',
    ]);
    expect(new Set(cases.map((c) => new URL(c.url).origin)).size).toBe(1);
    expect(new Set(cases.map((c) => c.expectedRef?.context)).size).toBe(2);
  });

  for (const { fixture, url, expectedRef } of cases) {
    it(`${fixture} is the conversation alone, from its address`, () => {
      expect(freshchat.detect(new URL(url), doc)).toEqual(expectedRef);
    });
  }
});
