import { intercom } from '../crm/intercom.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'intercom', adapters: [intercom] });
