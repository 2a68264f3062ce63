import { hubspot } from '../crm/hubspot.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'hubspot', adapters: [hubspot] });
