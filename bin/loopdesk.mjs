#!/usr/bin/env node
// The `loopdesk` command: runs the TypeScript CLI directly through tsx, no build step.
import { URL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/server/cli.ts', import.meta.url).href);
