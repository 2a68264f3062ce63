import { genesysCloud } from '../softphone/genesys-cloud.ts';
import { startSoftphoneScript } from '../softphone/start.ts';

startSoftphoneScript({ name: 'softphone-genesys-cloud', pageAdapters: [genesysCloud] });
