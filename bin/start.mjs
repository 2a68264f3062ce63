#!/usr/bin/env node
// `npm start`: install if needed, build the extension, start the backend with demo data.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const say = (message) => process.stdout.write(`${message}\n`);

function run(command, args) {
  return spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' }).status;
}

if (!existsSync(path.join(root, 'node_modules'))) {
  say('Installing dependencies (first start)…');
  if (run('npm', ['install', '--no-audit', '--no-fund']) !== 0) {
    say('error: npm install failed; see the messages above.');
    process.exit(1);
  }
}

say('Building the extension into dist/…');
if (run('npx', ['vite', 'build']) !== 0) {
  say(
    'warning: the extension did not build (see above); the backend starts anyway, but there is no dist/ to load yet.',
  );
}

const { register } = await import('tsx/esm/api');
register();
await import(new URL('../src/server/start.ts', import.meta.url).href);
