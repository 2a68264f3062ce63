// Zips the built extension (dist/) into dist-zip/loopdesk-<version>.zip for the Chrome Web Store.
// Run after `vite build` (npm run package does both).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { zipSync } from 'fflate';

/** Vite's own bookkeeping, never part of the extension. */
const leftOut = (path) => path === '.vite' || path.startsWith('.vite/');

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((path) => !leftOut(path))
    .sort();
}

/**
 * Writes the store zip for the build in `distDir` and returns its path. The store assigns its own
 * id and rejects a `key`, which the unpacked build keeps for a stable id, so the zipped manifest
 * has none. Fixed timestamps make the same build give the same zip.
 */
export function packageExtension(distDir, outDir) {
  const manifestPath = join(distDir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`${manifestPath} not found: run \`vite build\` first (npm run package does).`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  delete manifest.key;
  const entries = {};
  const mtime = new Date('2000-01-01T00:00:00Z');
  for (const path of filesUnder(distDir)) {
    const content =
      path === 'manifest.json'
        ? new TextEncoder().encode(JSON.stringify(manifest, null, 2))
        : readFileSync(join(distDir, path));
    entries[path] = [content, { mtime }];
  }
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, `loopdesk-${manifest.version}.zip`);
  rmSync(zipPath, { force: true });
  writeFileSync(zipPath, zipSync(entries, { level: 9 }));
  return { zipPath, name: manifest.name, version: manifest.version, files: Object.keys(entries) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  try {
    const result = packageExtension(join(root, 'dist'), join(root, 'dist-zip'));
    console.log(
      `${relative(root, result.zipPath)} (${result.name} ${result.version}, ${result.files.length} files)`,
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
