/**
 * The built-in CRMs: one list for every context. The content script's adapters take their id,
 * label and match patterns from here; the worker registers the content script for them and the
 * options page offers them. Data only (no DOM code), so the worker and options page stay free of
 * adapter code. Every match pattern is also in manifest.json `optional_host_permissions`;
 * nothing is granted until the admin enables the CRM.
 * Self-hosted CRMs (Request Tracker, the demo CRM) have no fixed origin: the admin enters it.
 */
export interface BuiltInCrm {
  /** Also the `crm` field of the refs the CRM's adapter produces, and the id kept in the config. */
  readonly id: string;
  /** Shown on the options page ("Enable <label>"). */
  readonly label: string;
  /** Chrome match patterns of the CRM's hosts; empty for self-hosted CRMs. */
  readonly matchPatterns: readonly string[];
  readonly selfHosted?: true;
}

/** Zoho Desk's regional domains (desk.zoho.<domain>). */
export const zohoDeskDomains = ['com', 'eu', 'in', 'com.au', 'jp', 'com.cn', 'ca'] as const;

/**
 * In priority order: host-matched CRMs first, because the self-hosted ones match by path on any
 * origin and must not shadow a CRM whose host is known.
 */
const catalogue = [
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
    id: 'zoho-desk',
    label: 'Zoho Desk',
    matchPatterns: zohoDeskDomains.map((domain) => `https://desk.zoho.${domain}/*`),
  },
  { id: 'rt', label: 'Request Tracker 5 (self-hosted)', matchPatterns: [], selfHosted: true },
  { id: 'demo', label: 'LoopDesk demo CRM', matchPatterns: [], selfHosted: true },
] as const satisfies readonly BuiltInCrm[];

export type BuiltInCrmId = (typeof catalogue)[number]['id'];

export const crmCatalogue: readonly (BuiltInCrm & { readonly id: BuiltInCrmId })[] = catalogue;

/** The catalogue entry of a built-in CRM (typed ids: a misspelt id does not compile). */
export function catalogueEntry<Id extends BuiltInCrmId>(
  id: Id,
): Extract<(typeof catalogue)[number], { id: Id }> {
  const entry = catalogue.find((crm) => crm.id === id);
  if (!entry) throw new Error(`no built-in CRM with id ${id}`);
  return entry as Extract<(typeof catalogue)[number], { id: Id }>;
}

/**
 * Ids an earlier version stored in the config for two CRMs; read as today's ids so an
 * enabled CRM stays enabled after the update.
 */
export const legacyCrmIds: Readonly<Record<string, BuiltInCrmId>> = {
  zoho: 'zoho-desk',
  'loopdesk-demo': 'demo',
};

/** `https://rt.example.org:8443/anything` → `https://rt.example.org/*`; null if not http(s). */
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
