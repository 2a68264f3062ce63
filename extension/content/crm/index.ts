import type { CrmAdapter } from './types.ts';
import { salesforce } from './salesforce.ts';
import { zendesk } from './zendesk.ts';
import { hubspot } from './hubspot.ts';
import { dynamics } from './dynamics.ts';
import { servicenow } from './servicenow.ts';
import { freshdesk } from './freshdesk.ts';
import { zohoDesk } from './zoho-desk.ts';
import { requestTracker } from './request-tracker.ts';
import { loopdeskDemo } from './loopdesk-demo.ts';

export type { CrmAdapter };

/**
 * Every built-in adapter, host-matched ones first: the path-matched ones (RT, demo) match on any
 * origin and must not shadow a CRM whose host is known.
 */
export const builtInAdapters: readonly CrmAdapter[] = [
  salesforce,
  zendesk,
  hubspot,
  dynamics,
  servicenow,
  freshdesk,
  zohoDesk,
  requestTracker,
  loopdeskDemo,
];
