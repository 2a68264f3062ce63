import { kustomer } from '../crm/kustomer.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'kustomer', adapters: [kustomer] });
