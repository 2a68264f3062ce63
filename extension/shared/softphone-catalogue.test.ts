import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  genesysCloudAppHosts,
  messageSoftphones,
  pageSoftphones,
  softphoneCatalogue,
} from './softphone-catalogue.ts';

const manifest = JSON.parse(
  readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8'),
) as { optional_host_permissions: string[]; host_permissions: string[] };

// A Chrome match pattern for a whole https host: exact, or `*.` and a domain of two labels or more.
const HOST_PATTERN = /^https:\/\/(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+\/\*$/;
// An origin to compare a message's with: https, a host (or `*.` + a domain for an instance's
// alias), no port, no path.
const MESSAGE_ORIGIN = /^https:\/\/(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+$/;

describe('softphone catalogue', () => {
  it('has unique ids and labels, each id fitting the worker schema of a softphone id', () => {
    expect(new Set(softphoneCatalogue.map((s) => s.id)).size).toBe(softphoneCatalogue.length);
    expect(new Set(softphoneCatalogue.map((s) => s.label)).size).toBe(softphoneCatalogue.length);
    for (const softphone of softphoneCatalogue) expect(softphone.id).toMatch(/^[a-z0-9_-]{1,40}$/);
  });

  it('splits into page and message softphones', () => {
    expect(pageSoftphones.length + messageSoftphones.length).toBe(softphoneCatalogue.length);
    expect(pageSoftphones.every((s) => s.kind === 'page' && s.matchPatterns.length > 0)).toBe(true);
    expect(
      messageSoftphones.every((s) => s.kind === 'message' && s.messageOrigins.length > 0),
    ).toBe(true);
  });

  it('gives whole-host https match patterns and bare https origins', () => {
    for (const pattern of pageSoftphones.flatMap((s) => s.matchPatterns)) {
      expect(pattern).toMatch(HOST_PATTERN);
    }
    for (const origin of messageSoftphones.flatMap((s) => s.messageOrigins)) {
      expect(origin).toMatch(MESSAGE_ORIGIN);
    }
  });

  it('lists every regional Genesys Cloud app host once', () => {
    expect(new Set(genesysCloudAppHosts).size).toBe(genesysCloudAppHosts.length);
    const genesys = pageSoftphones.find((s) => s.id === 'genesys-cloud');
    expect(genesys?.matchPatterns).toHaveLength(genesysCloudAppHosts.length);
    expect(genesys?.matchPatterns).toContain('https://apps.mypurecloud.com/*');
  });

  it('asks only for origins the manifest may grant later, never up front', () => {
    for (const pattern of pageSoftphones.flatMap((s) => s.matchPatterns)) {
      expect(manifest.optional_host_permissions, pattern).toContain(pattern);
      expect(manifest.host_permissions).not.toContain(pattern);
    }
  });
});
