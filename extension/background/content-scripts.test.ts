import { describe, expect, it, vi } from 'vitest';
import { wantedScripts } from './content-scripts.ts';
import { defaultConfig } from '../shared/settings.ts';

// The real module imports each built file's name through crxjs (`?script&iife`), which only the
// extension build resolves.
vi.mock('./content-script-files.ts', () => ({
  contentScriptFiles: new Proxy({}, { get: (_target, id) => `files/${String(id)}.js` }),
}));

describe('content script registration', () => {
  it('registers each enabled CRM’s own file for its own hosts only', () => {
    const scripts = wantedScripts({ ...defaultConfig, enabledCrms: ['zendesk', 'hubspot'] }, []);
    expect(scripts).toEqual([
      {
        id: 'loopdesk-crm-zendesk',
        file: 'files/zendesk.js',
        patterns: ['https://*.zendesk.com/*'],
      },
      {
        id: 'loopdesk-crm-hubspot',
        file: 'files/hubspot.js',
        patterns: ['https://*.hubspot.com/*'],
      },
    ]);
  });

  it('adds the custom domain an admin entered for ServiceNow, but not for a vendor-hosted-only CRM', () => {
    const scripts = wantedScripts(
      {
        enabledCrms: ['servicenow', 'zendesk'],
        selfHostedOrigins: {
          servicenow: 'https://support.example.com',
          zendesk: 'https://help.example.com',
        },
      },
      [],
    );
    expect(scripts.find((s) => s.id === 'loopdesk-crm-servicenow')?.patterns).toContain(
      'https://support.example.com/*',
    );
    expect(scripts.find((s) => s.id === 'loopdesk-crm-zendesk')?.patterns).not.toContain(
      'https://help.example.com/*',
    );
  });

  it('registers a self-hosted CRM only once its address is known', () => {
    expect(wantedScripts({ enabledCrms: ['rt'], selfHostedOrigins: {} }, [])).toEqual([]);
    expect(
      wantedScripts(
        { enabledCrms: ['rt'], selfHostedOrigins: { rt: 'https://rt.example.org/rt' } },
        [],
      ),
    ).toEqual([
      { id: 'loopdesk-crm-rt', file: 'files/rt.js', patterns: ['https://rt.example.org/*'] },
    ]);
  });

  it('gives valid rules their own file and skips invalid ones', () => {
    const scripts = wantedScripts(defaultConfig, [
      {
        id: 'acme',
        label: 'Acme',
        origin: 'https://crm.acme.test',
        urlPattern: '^/c/(?<recordId>\\d+)$',
      },
      { id: 'broken', urlPattern: '(' },
    ]);
    expect(scripts).toEqual([
      { id: 'loopdesk-crm-rules', file: 'files/rules.js', patterns: ['https://crm.acme.test/*'] },
    ]);
  });

  it('registers an enabled page softphone for its hosts, and embedded ones on the CRM pages', () => {
    const scripts = wantedScripts(
      {
        ...defaultConfig,
        enabledCrms: ['zendesk'],
        enabledSoftphones: ['twilio-flex', 'dialpad-cti'],
      },
      [],
    );
    expect(scripts.map((s) => s.id)).toEqual([
      'loopdesk-crm-zendesk',
      'loopdesk-crm-softphone-messages',
      'loopdesk-crm-softphone-twilio-flex',
    ]);
    expect(scripts[1]).toMatchObject({
      file: 'files/softphone-messages.js',
      patterns: ['https://*.zendesk.com/*'],
    });
    expect(scripts[2]?.patterns).toEqual(['https://flex.twilio.com/*']);
    // Nothing to listen on without a CRM page, and nothing at all when none is enabled.
    expect(wantedScripts({ ...defaultConfig, enabledSoftphones: ['dialpad-cti'] }, [])).toEqual([]);
    expect(wantedScripts({ ...defaultConfig, enabledCrms: ['zendesk'] }, []).length).toBe(1);
  });
});
