import { loopdeskDemo } from '../crm/loopdesk-demo.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'demo', adapters: [loopdeskDemo] });
