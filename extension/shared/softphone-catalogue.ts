/**
 * The softphones LoopDesk knows: one list for every context, data only (like crm-catalogue.ts).
 *
 * - `page` softphones run in a tab of their own (Amazon Connect's CCP, Twilio Flex, ...): their
 *   content script file (`content/entries/softphone-<id>.entry.ts`) is registered for
 *   `matchPatterns`, which manifest.json also lists in `optional_host_permissions`.
 * - `message` softphones are SDK iframes embedded in another page (a CRM): one file
 *   (`softphone-messages.entry.ts`) holds them all and reads only messages whose sender's origin
 *   is in `messageOrigins`.
 *
 * `detection` says what a page softphone's adapter can really see (docs/softphone-adapters.md
 * names the evidence):
 * - `page`: reads the call from the page's markup (public selectors exist).
 * - `page-messages`: reads the call state the softphone's own page posts to itself.
 * - `webhook-only`: no public evidence of the page's markup or messages: the adapter recognises
 *   the address and reports nothing; the softphone's calls reach LoopDesk only through the
 *   backend's calls API (`POST /v1/calls`, fed by the platform's webhook).
 */
type PageSoftphoneDetection = 'page' | 'page-messages' | 'webhook-only';

interface SoftphoneEntry {
  /** The adapter's id: the `softphone` field of the calls it reports. */
  readonly id: string;
  /** Shown on the options page. */
  readonly label: string;
  /** The telephony platform behind it (the name its server-side webhook calls are filed under). */
  readonly platform: string;
  /** Rests on an undocumented internal format or on theme class names: may break unannounced. */
  readonly experimental?: true;
}

export interface PageSoftphone extends SoftphoneEntry {
  readonly kind: 'page';
  /** Chrome match patterns of the softphone's hosts (the adapter narrows to its paths). */
  readonly matchPatterns: readonly string[];
  readonly detection: PageSoftphoneDetection;
}

export interface MessageSoftphone extends SoftphoneEntry {
  readonly kind: 'message';
  /**
   * The origins whose messages are read: exact origins, or `https://*.<domain>` for an
   * instance's own one-label subdomain of `<domain>` (Amazon Connect's instance alias).
   */
  readonly messageOrigins: readonly string[];
}

export type Softphone = PageSoftphone | MessageSoftphone;

/**
 * Genesys Cloud's regional app hosts: `apps.` + each region's domain in Genesys's own SDK
 * (MyPureCloud/platform-client-sdk-javascript, PureCloudRegionHosts.js).
 */
export const genesysCloudAppHosts = [
  'apps.mypurecloud.com',
  'apps.mypurecloud.ie',
  'apps.mypurecloud.com.au',
  'apps.mypurecloud.jp',
  'apps.mypurecloud.de',
  'apps.usw2.pure.cloud',
  'apps.cac1.pure.cloud',
  'apps.apne2.pure.cloud',
  'apps.euw2.pure.cloud',
  'apps.aps1.pure.cloud',
  'apps.use2.us-gov-pure.cloud',
  'apps.sae1.pure.cloud',
  'apps.mec1.pure.cloud',
  'apps.apne3.pure.cloud',
  'apps.euc2.pure.cloud',
  'apps.mxc1.pure.cloud',
  'apps.apse1.pure.cloud',
] as const;

const catalogue = [
  {
    id: 'amazon-connect',
    label: 'Amazon Connect CCP',
    platform: 'amazon-connect',
    kind: 'page',
    matchPatterns: ['https://*.my.connect.aws/*', 'https://*.awsapps.com/*'],
    detection: 'page-messages',
    experimental: true,
  },
  {
    id: 'aircall',
    label: 'Aircall Workspace',
    platform: 'aircall',
    kind: 'page',
    matchPatterns: ['https://workspace.aircall.io/*', 'https://phone.aircall.io/*'],
    detection: 'webhook-only',
  },
  {
    id: 'dialpad',
    label: 'Dialpad',
    platform: 'dialpad',
    kind: 'page',
    matchPatterns: ['https://dialpad.com/*'],
    detection: 'webhook-only',
  },
  {
    id: 'twilio-flex',
    label: 'Twilio Flex',
    platform: 'twilio',
    kind: 'page',
    matchPatterns: ['https://flex.twilio.com/*'],
    detection: 'page',
    experimental: true,
  },
  {
    id: 'genesys-cloud',
    label: 'Genesys Cloud',
    platform: 'genesys-cloud',
    kind: 'page',
    matchPatterns: genesysCloudAppHosts.map((host) => `https://${host}/*`),
    detection: 'webhook-only',
  },
  {
    id: 'ringcentral',
    label: 'RingCentral app',
    platform: 'ringcentral',
    kind: 'page',
    matchPatterns: ['https://app.ringcentral.com/*'],
    detection: 'webhook-only',
  },
  {
    id: 'talkdesk',
    label: 'Talkdesk',
    platform: 'talkdesk',
    kind: 'page',
    matchPatterns: ['https://*.mytalkdesk.com/*'],
    detection: 'webhook-only',
  },
  {
    id: 'aircall-everywhere',
    label: 'Aircall Everywhere (embedded)',
    platform: 'aircall',
    kind: 'message',
    messageOrigins: ['https://workspace.aircall.io', 'https://phone.aircall.io'],
  },
  {
    id: 'dialpad-cti',
    label: 'Dialpad CTI (embedded)',
    platform: 'dialpad',
    kind: 'message',
    messageOrigins: ['https://dialpad.com'],
  },
  {
    id: 'ringcentral-embeddable',
    label: 'RingCentral Embeddable',
    platform: 'ringcentral',
    kind: 'message',
    messageOrigins: ['https://apps.ringcentral.com', 'https://ringcentral.github.io'],
  },
  {
    id: 'amazon-connect-streams',
    label: 'Amazon Connect CCP (embedded with Streams)',
    platform: 'amazon-connect',
    kind: 'message',
    messageOrigins: ['https://*.my.connect.aws', 'https://*.awsapps.com'],
    experimental: true,
  },
] as const satisfies readonly Softphone[];

type CatalogueEntry = (typeof catalogue)[number];
export type SoftphoneId = CatalogueEntry['id'];
export type PageSoftphoneId = Extract<CatalogueEntry, { kind: 'page' }>['id'];
export type MessageSoftphoneId = Extract<CatalogueEntry, { kind: 'message' }>['id'];

/** The content script files: one per page softphone, one for every message softphone. */
export type SoftphoneScriptName = `softphone-${PageSoftphoneId}` | 'softphone-messages';

export const softphoneCatalogue: readonly (Softphone & { readonly id: SoftphoneId })[] = catalogue;

export const pageSoftphones: readonly (PageSoftphone & { readonly id: PageSoftphoneId })[] =
  catalogue.filter(
    (entry): entry is Extract<CatalogueEntry, { kind: 'page' }> => entry.kind === 'page',
  );

export const messageSoftphones: readonly (MessageSoftphone & {
  readonly id: MessageSoftphoneId;
})[] = catalogue.filter(
  (entry): entry is Extract<CatalogueEntry, { kind: 'message' }> => entry.kind === 'message',
);
