import { describe, expect, it } from 'vitest';
import { checkBackendUrl } from './backend-url.ts';

describe('checkBackendUrl', () => {
  it.each([
    [
      'https://loopdesk.example.com/',
      'https://loopdesk.example.com',
      'https://loopdesk.example.com/*',
    ],
    [
      'https://loopdesk.example.com:8443/api/',
      'https://loopdesk.example.com:8443/api',
      'https://loopdesk.example.com/*',
    ],
    ['http://localhost:8787', 'http://localhost:8787', 'http://localhost/*'],
    ['http://127.0.0.1:8787/', 'http://127.0.0.1:8787', 'http://127.0.0.1/*'],
    ['http://[::1]:8787', 'http://[::1]:8787', 'http://[::1]/*'],
    [
      ' https://loopdesk.example.com/?x=1#top ',
      'https://loopdesk.example.com',
      'https://loopdesk.example.com/*',
    ],
  ])('accepts %s', (raw, url, pattern) => {
    expect(checkBackendUrl(raw)).toMatchObject({ ok: true, url, pattern });
  });

  it.each([
    ['http://crm.example.net', /use https:\/\/crm\.example\.net/],
    ['http://localhost.attacker.example', /use https:\/\//],
    ['http://10.0.0.5:8787', /use https:\/\/10\.0\.0\.5:8787/],
    ['https://user:pass@loopdesk.example.com', /user name and password/],
    ['ftp://loopdesk.example.com', /https:\/\//],
    ['loopdesk.example.com', /https:\/\//],
  ])('refuses %s', (raw, reason) => {
    const checked = checkBackendUrl(raw);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.reason).toMatch(reason);
  });
});
