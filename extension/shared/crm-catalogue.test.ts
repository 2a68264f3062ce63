import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  catalogueEntry,
  crmCatalogue,
  isChatConversation,
  legacyCrmIds,
  originPattern,
} from './crm-catalogue.ts';

const manifest = JSON.parse(
  readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8'),
) as { optional_host_permissions: string[]; host_permissions: string[] };

describe('CRM catalogue', () => {
  it('has unique ids and labels', () => {
    expect(new Set(crmCatalogue.map((crm) => crm.id)).size).toBe(crmCatalogue.length);
    expect(new Set(crmCatalogue.map((crm) => crm.label)).size).toBe(crmCatalogue.length);
  });

  it('asks only for origins the manifest declares as optional, never up front', () => {
    for (const pattern of crmCatalogue.flatMap((crm) => crm.matchPatterns)) {
      expect(manifest.optional_host_permissions).toContain(pattern);
      expect(manifest.host_permissions).not.toContain(pattern);
    }
  });

  it('finds an entry by id and maps legacy ids to existing ones', () => {
    expect(catalogueEntry('zoho-desk').matchPatterns).toContain('https://desk.zoho.com.au/*');
    const ids = new Set<string>(crmCatalogue.map((crm) => crm.id));
    for (const current of Object.values(legacyCrmIds)) expect(ids).toContain(current);
    for (const legacy of Object.keys(legacyCrmIds)) expect(ids).not.toContain(legacy);
  });

  it('turns an address into a port-less origin pattern', () => {
    expect(originPattern('https://rt.example.org:8443/rt/Ticket')).toBe('https://rt.example.org/*');
    expect(originPattern('ftp://rt.example.org')).toBeNull();
    expect(originPattern('not a url')).toBeNull();
  });
});

describe('chat conversations', () => {
  it('are every context on a chat console, and the demo CRM’s chat- contexts', () => {
    expect(isChatConversation('intercom', '215')).toBe(true);
    expect(isChatConversation('chatwoot', '1/4217')).toBe(true);
    expect(isChatConversation('demo', 'chat-2')).toBe(true);
    expect(isChatConversation('demo', '17')).toBe(false);
    expect(isChatConversation('zendesk', '4821')).toBe(false);
    expect(isChatConversation('unknown-crm', 'chat-1')).toBe(false);
  });
});
