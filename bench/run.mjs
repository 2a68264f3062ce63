#!/usr/bin/env node
// Runs every bench/*.bench.ts (or those named on the command line) in its own process, prints
// their figures as they come, and writes each one's section of BENCHMARKS.md (machine, date, load).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
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
      resolve({ file, code, figures, load, seconds: (Date.now() - started) / 1000 }),
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
const benchmarksPath = path.join(repoRoot, 'BENCHMARKS.md');

/** Sections of an existing BENCHMARKS.md by bench file, so a partial run keeps the others. */
function previousSections() {
  if (!existsSync(benchmarksPath)) return new Map();
  const sections = new Map();
  const text = readFileSync(benchmarksPath, 'utf8');
  for (const part of text.split(/^## /m).slice(1)) {
    const name = part.slice(0, part.indexOf('\n')).trim();
    sections.set(name, `## ${part.trimEnd()}\n`);
  }
  return sections;
}

function section(result) {
  const lines = [`## ${result.file}`, ''];
  lines.push(
    `Run ${new Date().toISOString()} on ${machine}; load average before the run ${result.load}.`,
    '',
  );
  if (result.code !== 0)
    lines.push(`Exited with code ${result.code}; figures below may be partial.`, '');
  lines.push('| metric | figures |', '| --- | --- |');
  for (const { metric, values } of result.figures) lines.push(`| ${metric} | ${values} |`);
  lines.push('', `Wall time: ${result.seconds.toFixed(1)} s.`, '');
  return lines.join('\n');
}

const sections = previousSections();
for (const result of results) sections.set(result.file, section(result));
const header = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (all benchmarks) or `npm run bench -- <name>` (one, replacing its',
  'section). Each benchmark prints its own figures: medians and spreads over repeated runs, and',
  'the goal from its issue. Timings on a shared 2-core machine vary: compare ratios within a run.',
  '',
];
writeFileSync(
  benchmarksPath,
  [...header, ...[...sections.keys()].sort().map((name) => sections.get(name))].join('\n'),
);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
