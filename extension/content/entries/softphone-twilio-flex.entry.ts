import { twilioFlex } from '../softphone/twilio-flex.ts';
import { startSoftphoneScript } from '../softphone/start.ts';

startSoftphoneScript({ name: 'softphone-twilio-flex', pageAdapters: [twilioFlex] });
