/**
 * The built-in CRMs and the origins each needs. Every pattern here is also listed in
 * manifest.json `optional_host_permissions`; nothing is granted until the admin enables it.
 * Self-hosted CRMs (Request Tracker) have no fixed origin: the admin enters it.
 */
export interface BuiltInCrm {
  id: string;
  label: string;
  matchPatterns: readonly string[];
  selfHosted?: boolean;
}

export const builtInCrms: readonly BuiltInCrm[] = [
  {
    id: 'salesforce',
    label: 'Salesforce Lightning',
    matchPatterns: ['https://*.lightning.force.com/*', 'https://*.my.salesforce.com/*'],
  },
  { id: 'zendesk', label: 'Zendesk Support', matchPatterns: ['https://*.zendesk.com/*'] },
  { id: 'hubspot', label: 'HubSpot', matchPatterns: ['https://*.hubspot.com/*'] },
  { id: 'dynamics', label: 'Dynamics 365', matchPatterns: ['https://*.dynamics.com/*'] },
  { id: 'servicenow', label: 'ServiceNow CSM', matchPatterns: ['https://*.service-now.com/*'] },
  { id: 'freshdesk', label: 'Freshdesk', matchPatterns: ['https://*.freshdesk.com/*'] },
  {
    id: 'zoho',
    label: 'Zoho Desk',
    matchPatterns: [
      'https://desk.zoho.com/*',
      'https://desk.zoho.eu/*',
      'https://desk.zoho.in/*',
      'https://desk.zoho.com.au/*',
      'https://desk.zoho.jp/*',
      'https://desk.zoho.com.cn/*',
      'https://desk.zoho.ca/*',
    ],
  },
  { id: 'rt', label: 'Request Tracker 5 (self-hosted)', matchPatterns: [], selfHosted: true },
  { id: 'loopdesk-demo', label: 'LoopDesk demo CRM', matchPatterns: [], selfHosted: true },
];

/** `https://rt.example.org:8443/anything` → `https://rt.example.org:8443/*`; null if not http(s). */
export function originPattern(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  // Match patterns take no port: a host pattern covers every port on that host.
  return `${parsed.protocol}//${parsed.hostname}/*`;
}
