import type { CrmAdapter } from './types.ts';
import type { BuiltInCrmId } from '../../shared/crm-catalogue.ts';
import { salesforce } from './salesforce.ts';
import { zendesk } from './zendesk.ts';
import { hubspot } from './hubspot.ts';
import { dynamics } from './dynamics.ts';
import { servicenow } from './servicenow.ts';
import { freshdesk } from './freshdesk.ts';
import { zohoDesk } from './zoho-desk.ts';
import { intercom } from './intercom.ts';
import { front } from './front.ts';
import { helpScout } from './helpscout.ts';
import { gorgias } from './gorgias.ts';
import { liveChat } from './livechat.ts';
import { kustomer } from './kustomer.ts';
import { freshchat } from './freshchat.ts';
import { requestTracker } from './request-tracker.ts';
import { chatwoot } from './chatwoot.ts';
import { loopdeskDemo } from './loopdesk-demo.ts';

export type { CrmAdapter };

/**
 * One adapter per catalogue entry and none besides: the mapped type makes a missing adapter, an
 * adapter with no catalogue entry, or an adapter filed under another CRM's id a compile error.
 */
export const adaptersById: { readonly [Id in BuiltInCrmId]: CrmAdapter<Id> } = {
  salesforce,
  zendesk,
  hubspot,
  dynamics,
  servicenow,
  freshdesk,
  'zoho-desk': zohoDesk,
  intercom,
  front,
  helpscout: helpScout,
  gorgias,
  livechat: liveChat,
  kustomer,
  freshchat,
  rt: requestTracker,
  chatwoot,
  demo: loopdeskDemo,
};

/**
 * Every built-in adapter in the catalogue's order (adaptersById lists them so; a test pins it):
 * host-matched ones first, since the path-matched ones (RT, Chatwoot, demo) match on any origin and must
 * not shadow a CRM whose host is known. The catalogue itself (labels, match patterns) stays out
 * of the content script: only the options page and the worker need it.
 */
export const builtInAdapters: readonly CrmAdapter[] = Object.values(adaptersById);
