import { amazonConnect } from '../softphone/amazon-connect.ts';
import { startSoftphoneScript } from '../softphone/start.ts';

startSoftphoneScript({ name: 'softphone-amazon-connect', pageAdapters: [amazonConnect] });
