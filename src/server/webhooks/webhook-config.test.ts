import { describe, expect, it } from 'vitest';
import { readConfig } from '../config.ts';

describe('webhook settings in readConfig', () => {
  it('leaves every platform off by default', () => {
    expect(readConfig({})).toMatchObject({
      publicUrl: null,
      twilioAuthToken: null,
      aircallWebhookToken: null,
      dialpadWebhookSecret: null,
      connectApiKey: null,
    });
    expect(readConfig({ LOOPDESK_TWILIO_AUTH_TOKEN: '   ' }).twilioAuthToken).toBeNull();
  });

  it('reads the secrets and the public URL without a trailing slash', () => {
    const config = readConfig({
      LOOPDESK_PUBLIC_URL: 'https://loopdesk.example.com/',
      LOOPDESK_TWILIO_AUTH_TOKEN: ' 0123456789abcdef0123456789abcdef ',
      LOOPDESK_AIRCALL_WEBHOOK_TOKEN: '45XXYYZZa08',
      LOOPDESK_DIALPAD_WEBHOOK_SECRET: 'a-dialpad-secret-of-length',
      LOOPDESK_CONNECT_API_KEY: 'a-connect-api-key-of-length',
    });
    expect(config).toMatchObject({
      publicUrl: 'https://loopdesk.example.com',
      twilioAuthToken: '0123456789abcdef0123456789abcdef',
      aircallWebhookToken: '45XXYYZZa08',
      dialpadWebhookSecret: 'a-dialpad-secret-of-length',
      connectApiKey: 'a-connect-api-key-of-length',
    });
    expect(readConfig({ LOOPDESK_PUBLIC_URL: 'http://10.0.0.5:8787/loopdesk/' }).publicUrl).toBe(
      'http://10.0.0.5:8787/loopdesk',
    );
  });

  it('names the variable that is wrong', () => {
    for (const bad of ['loopdesk.example.com', 'ftp://loopdesk.example.com', 'https://']) {
      expect(() => readConfig({ LOOPDESK_PUBLIC_URL: bad })).toThrow(
        /^LOOPDESK_PUBLIC_URL must be an http\(s\) URL/,
      );
    }
    expect(() => readConfig({ LOOPDESK_PUBLIC_URL: 'https://x.example/?a=1' })).toThrow(
      /LOOPDESK_PUBLIC_URL must be the server's base address without query/,
    );
    expect(() => readConfig({ LOOPDESK_CONNECT_API_KEY: 'short' })).toThrow(
      'LOOPDESK_CONNECT_API_KEY must be at least 16 characters, got 5',
    );
    expect(() => readConfig({ LOOPDESK_DIALPAD_WEBHOOK_SECRET: 'short' })).toThrow(
      'LOOPDESK_DIALPAD_WEBHOOK_SECRET must be at least 16 characters, got 5',
    );
  });
});
