import { gorgias } from '../crm/gorgias.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'gorgias', adapters: [gorgias] });
