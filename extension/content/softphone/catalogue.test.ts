import { describe, expect, it } from 'vitest';
import { messageSoftphones, pageSoftphones } from '../../shared/softphone-catalogue.ts';
import { messageAdaptersById, pageAdaptersById } from './index.ts';

// index.ts's mapped types refuse a missing or extra adapter at compile time; these pin what
// the types cannot see: ids copied right, and the catalogue saying what each adapter can do.
describe('softphone adapters and the softphone catalogue', () => {
  it('files each adapter under its own id', () => {
    for (const [id, adapter] of Object.entries(pageAdaptersById)) expect(adapter.id).toBe(id);
    for (const [id, adapter] of Object.entries(messageAdaptersById)) expect(adapter.id).toBe(id);
    expect(Object.keys(pageAdaptersById).sort()).toEqual(pageSoftphones.map((s) => s.id).sort());
    expect(Object.keys(messageAdaptersById).sort()).toEqual(
      messageSoftphones.map((s) => s.id).sort(),
    );
  });

  it('says which page softphones are read from the page, from their messages, or not at all', () => {
    for (const softphone of pageSoftphones) {
      const adapter = pageAdaptersById[softphone.id];
      const detection = adapter.readsPage
        ? 'page'
        : adapter.readOwnMessage
          ? 'page-messages'
          : 'webhook-only';
      expect(detection, softphone.id).toBe(softphone.detection);
    }
  });

  it('page adapters claim an address on every host their match patterns grant', () => {
    const samplePaths: Record<string, string> = {
      'amazon-connect': '/connect/ccp-v2/',
      dialpad: '/app',
      'twilio-flex': '/agent-desktop/',
    };
    for (const softphone of pageSoftphones) {
      const adapter = pageAdaptersById[softphone.id];
      for (const pattern of softphone.matchPatterns) {
        let host = pattern.replace(/^https:\/\//, '').replace(/\/\*$/, '');
        host = host.replace(/^\*\./, 'acme.');
        // CCP v2's path differs between the two domains.
        const path =
          softphone.id === 'amazon-connect' && host.endsWith('.my.connect.aws')
            ? '/ccp-v2/'
            : (samplePaths[softphone.id] ?? '/');
        expect(adapter.matches(new URL(`https://${host}${path}`)), pattern).toBe(true);
      }
    }
  });

  it('message adapters accept exactly the origins the catalogue lists', () => {
    for (const softphone of messageSoftphones) {
      const adapter = messageAdaptersById[softphone.id];
      for (const origin of softphone.messageOrigins) {
        expect(adapter.acceptsOrigin(origin.replace('://*.', '://acme.')), origin).toBe(true);
      }
      const others = messageSoftphones
        .filter((other) => other.id !== softphone.id)
        .flatMap((other) => other.messageOrigins)
        .map((origin) => origin.replace('://*.', '://acme.'));
      for (const origin of others) expect(adapter.acceptsOrigin(origin), origin).toBe(false);
    }
  });
});
