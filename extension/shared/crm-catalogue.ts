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
  /**
   * Also runs on a domain of the customer's own (ServiceNow and Freshdesk custom domains): the
   * admin may enter that origin beside the vendor's hosts.
   */
  readonly customDomain?: true;
  /**
   * A chat console: CSRs hold several conversations at once there, the address names the
   * conversation (the ref's context), and the panel keeps one decision per conversation.
   */
  readonly chat?: true;
  /** A CRM with a chat console of its own: contexts with this prefix are its conversations. */
  readonly chatContextPrefix?: string;
}

/**
 * Zoho Desk's regional hosts, one per Zoho data centre. Most are desk.zoho.<tld>; Canada's is
 * desk.zohocloud.ca (Zoho's Canadian DC runs on zohocloud.ca: accounts.zohocloud.ca in Zoho's
 * "Data center for Zoho Account" help article, <product>.zohocloud.ca in Zoho Assist's and Zoho
 * Lens's multi-DC API docs). Saudi Arabia and the UK follow the desk.zoho.<tld> pattern (Zoho
 * Assist's multi-DC docs list assist.zoho.sa and assist.zoho.uk; Devart's Zoho Desk connector
 * enumerates SaudiArabia and UK data centres). The adapter's evidence comments name the rest.
 */
export const zohoDeskHosts = [
  'desk.zoho.com',
  'desk.zoho.eu',
  'desk.zoho.in',
  'desk.zoho.com.au',
  'desk.zoho.jp',
  'desk.zoho.com.cn',
  'desk.zohocloud.ca',
  'desk.zoho.sa',
  'desk.zoho.uk',
] as const;

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
  {
    id: 'dynamics',
    label: 'Dynamics 365',
    // Commercial (crm[N], GCC crm9), GCC High, DoD, China: the adapter's HOST names the sources.
    matchPatterns: [
      'https://*.dynamics.com/*',
      'https://*.crm.microsoftdynamics.us/*',
      'https://*.crm.appsplatform.us/*',
      'https://*.crm.dynamics.cn/*',
    ],
  },
  {
    id: 'servicenow',
    label: 'ServiceNow CSM',
    matchPatterns: ['https://*.service-now.com/*'],
    customDomain: true,
  },
  {
    id: 'freshdesk',
    label: 'Freshdesk',
    matchPatterns: ['https://*.freshdesk.com/*'],
    customDomain: true,
  },
  {
    id: 'zoho-desk',
    label: 'Zoho Desk',
    matchPatterns: zohoDeskHosts.map((host) => `https://${host}/*`),
  },
  // Chat consoles. Each adapter names the evidence for its hosts.
  {
    id: 'intercom',
    label: 'Intercom inbox',
    matchPatterns: [
      'https://app.intercom.com/*',
      'https://app.eu.intercom.com/*',
      'https://app.au.intercom.com/*',
    ],
    chat: true,
  },
  { id: 'front', label: 'Front', matchPatterns: ['https://app.frontapp.com/*'], chat: true },
  {
    id: 'helpscout',
    label: 'Help Scout',
    matchPatterns: ['https://secure.helpscout.net/*'],
    chat: true,
  },
  { id: 'gorgias', label: 'Gorgias', matchPatterns: ['https://*.gorgias.com/*'], chat: true },
  {
    id: 'livechat',
    label: 'LiveChat',
    matchPatterns: ['https://my.livechatinc.com/*'],
    chat: true,
  },
  {
    id: 'kustomer',
    label: 'Kustomer',
    matchPatterns: ['https://*.kustomerapp.com/*'],
    chat: true,
  },
  {
    id: 'freshchat',
    label: 'Freshchat',
    matchPatterns: ['https://*.freshchat.com/*'],
    chat: true,
  },
  { id: 'rt', label: 'Request Tracker 5 (self-hosted)', matchPatterns: [], selfHosted: true },
  {
    id: 'chatwoot',
    label: 'Chatwoot (self-hosted)',
    matchPatterns: [],
    selfHosted: true,
    chat: true,
  },
  {
    id: 'demo',
    label: 'LoopDesk demo CRM',
    matchPatterns: [],
    selfHosted: true,
    chatContextPrefix: 'chat-',
  },
] as const satisfies readonly BuiltInCrm[];

export type BuiltInCrmId = (typeof catalogue)[number]['id'];

export const crmCatalogue: readonly (BuiltInCrm & { readonly id: BuiltInCrmId })[] = catalogue;

/** Whether a ref's context is a chat conversation: any on a chat console, some on a CRM. */
export function isChatConversation(crm: string, context: string): boolean {
  const entry: BuiltInCrm | undefined = crmCatalogue.find((candidate) => candidate.id === crm);
  if (!entry) return false;
  return Boolean(
    entry.chat || (entry.chatContextPrefix && context.startsWith(entry.chatContextPrefix)),
  );
}

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
