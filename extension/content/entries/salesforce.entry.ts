import { salesforce } from '../crm/salesforce.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'salesforce', adapters: [salesforce] });
