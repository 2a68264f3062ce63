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
import intercom from '../content/entries/intercom.entry.ts?script&iife';
import front from '../content/entries/front.entry.ts?script&iife';
import helpscout from '../content/entries/helpscout.entry.ts?script&iife';
import gorgias from '../content/entries/gorgias.entry.ts?script&iife';
import livechat from '../content/entries/livechat.entry.ts?script&iife';
import kustomer from '../content/entries/kustomer.entry.ts?script&iife';
import freshchat from '../content/entries/freshchat.entry.ts?script&iife';
import requestTracker from '../content/entries/request-tracker.entry.ts?script&iife';
import chatwoot from '../content/entries/chatwoot.entry.ts?script&iife';
import loopdeskDemo from '../content/entries/loopdesk-demo.entry.ts?script&iife';
import rules from '../content/entries/rules.entry.ts?script&iife';
import softphoneAmazonConnect from '../content/entries/softphone-amazon-connect.entry.ts?script&iife';
import softphoneAircall from '../content/entries/softphone-aircall.entry.ts?script&iife';
import softphoneDialpad from '../content/entries/softphone-dialpad.entry.ts?script&iife';
import softphoneTwilioFlex from '../content/entries/softphone-twilio-flex.entry.ts?script&iife';
import softphoneGenesysCloud from '../content/entries/softphone-genesys-cloud.entry.ts?script&iife';
import softphoneRingcentral from '../content/entries/softphone-ringcentral.entry.ts?script&iife';
import softphoneTalkdesk from '../content/entries/softphone-talkdesk.entry.ts?script&iife';
import softphoneMessages from '../content/entries/softphone-messages.entry.ts?script&iife';
/* eslint-enable no-restricted-imports */
import type { BuiltInCrmId } from '../shared/crm-catalogue.ts';
import type { SoftphoneScriptName } from '../shared/softphone-catalogue.ts';

/**
 * One content script file per built-in CRM (a page loads only its own CRM's), the rules', one
 * per page softphone and one for the embedded softphones' messages.
 */
export const contentScriptFiles: {
  readonly [Id in BuiltInCrmId | 'rules' | SoftphoneScriptName]: string;
} = {
  salesforce,
  zendesk,
  hubspot,
  dynamics,
  servicenow,
  freshdesk,
  'zoho-desk': zohoDesk,
  intercom,
  front,
  helpscout,
  gorgias,
  livechat,
  kustomer,
  freshchat,
  rt: requestTracker,
  chatwoot,
  demo: loopdeskDemo,
  rules,
  'softphone-amazon-connect': softphoneAmazonConnect,
  'softphone-aircall': softphoneAircall,
  'softphone-dialpad': softphoneDialpad,
  'softphone-twilio-flex': softphoneTwilioFlex,
  'softphone-genesys-cloud': softphoneGenesysCloud,
  'softphone-ringcentral': softphoneRingcentral,
  'softphone-talkdesk': softphoneTalkdesk,
  'softphone-messages': softphoneMessages,
};
