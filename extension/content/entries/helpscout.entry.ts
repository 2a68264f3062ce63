import { helpScout } from '../crm/helpscout.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'helpscout', adapters: [helpScout] });
