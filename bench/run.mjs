#!/usr/bin/env node
// Runs every bench/*.bench.ts (or those named on the command line) in its own process, prints
// their figures as they come, and rewrites BENCHMARKS.md with the figures, machine and date.
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);
const wanted = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => wanted.length === 0 || wanted.some((w) => name.includes(w)))
  .sort();

/** A figure line looks like `metric.name key=value key=value`. */
const figureLine = /^([a-z][\w.-]*)((?:\s+[\w.%-]+=\S+)+)\s*$/i;

function runOne(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, file)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    const figures = [];
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = figureLine.exec(line.trim());
        if (match) figures.push({ metric: match[1], values: match[2].trim() });
      }
    });
    child.on('close', (code) =>
      resolve({ file, code, figures, seconds: (Date.now() - started) / 1000 }),
    );
  });
}

const results = [];
for (const file of files) {
  console.log(`\n== ${file}`);
  results.push(await runOne(file));
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
const lines = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString()}.`,
  '',
  `Machine: ${machine}.`,
  '',
  'Figures are medians (and spreads) over repeated runs as each benchmark prints them; goals are',
  "the issues' targets. Re-run `npm run bench` to refresh this file.",
  '',
];
for (const result of results) {
  lines.push(`## ${result.file}`, '');
  if (result.code !== 0)
    lines.push(`Exited with code ${result.code}; figures below may be partial.`, '');
  lines.push('| metric | figures |', '| --- | --- |');
  for (const { metric, values } of result.figures) lines.push(`| ${metric} | ${values} |`);
  lines.push('', `Wall time: ${result.seconds.toFixed(1)} s.`, '');
}
if (wanted.length === 0) writeFileSync(path.join(repoRoot, 'BENCHMARKS.md'), lines.join('\n'));
else console.log('\n(BENCHMARKS.md is only rewritten by a full run.)');
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
