// Each import below yields the built file name of one content script, not its code: the worker
// registers that file for its CRM's granted origins. Contexts still share no code.
/* eslint-disable no-restricted-imports */
import salesforce from '../content/entries/salesforce.entry.ts?script&iife';
import zendesk from '../content/entries/zendesk.entry.ts?script&iife';
import hubspot from '../content/entries/hubspot.entry.ts?script&iife';
import dynamics from '../content/entries/dynamics.entry.ts?script&iife';
import servicenow from '../content/entries/servicenow.entry.ts?script&iife';
import freshdesk from '../content/entries/freshdesk.entry.ts?script&iife';
import zohoDesk from '../content/entries/zoho-desk.entry.ts?script&iife';
import requestTracker from '../content/entries/request-tracker.entry.ts?script&iife';
import loopdeskDemo from '../content/entries/loopdesk-demo.entry.ts?script&iife';
import rules from '../content/entries/rules.entry.ts?script&iife';
/* eslint-enable no-restricted-imports */
import type { BuiltInCrmId } from '../shared/crm-catalogue.ts';

/** One content script file per built-in CRM (a page loads only its own CRM's), and the rules'. */
export const contentScriptFiles: { readonly [Id in BuiltInCrmId | 'rules']: string } = {
  salesforce,
  zendesk,
  hubspot,
  dynamics,
  servicenow,
  freshdesk,
  'zoho-desk': zohoDesk,
  rt: requestTracker,
  demo: loopdeskDemo,
  rules,
};
