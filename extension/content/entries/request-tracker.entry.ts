import { requestTracker } from '../crm/request-tracker.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'rt', adapters: [requestTracker] });
