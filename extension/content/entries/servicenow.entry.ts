import { servicenow } from '../crm/servicenow.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'servicenow', adapters: [servicenow] });
