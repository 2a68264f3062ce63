import { ruleAdaptersFrom } from '../rules-adapter.ts';
import { startContentScript } from '../start.ts';

// The admin's rule adapters (options page), registered for the rules' own origins.
startContentScript({ name: 'rules', adapters: [], rules: ruleAdaptersFrom });
