// Zips the built extension (dist/) into dist-zip/loopdesk-<version>.zip for the Chrome Web Store.
// Run after `vite build` (npm run package does both). Uses the system `zip`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import process from 'node:process';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const manifestPath = join(dist, 'manifest.json');
if (!existsSync(manifestPath)) {
  console.error('dist/manifest.json not found: run `vite build` first (npm run package does).');
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
// The store assigns its own id and rejects a `key`; the unpacked build keeps it for a stable id.
if (manifest.key) delete manifest.key;

const outDir = join(root, 'dist-zip');
mkdirSync(outDir, { recursive: true });
const zipPath = join(outDir, `loopdesk-${manifest.version}.zip`);
rmSync(zipPath, { force: true });

try {
  execFileSync('zip', ['-v'], { stdio: 'ignore' });
} catch {
  console.error('The `zip` command is missing: install it (apt-get install zip) and run again.');
  process.exit(1);
}
// Everything except the manifest, then the store manifest (without `key`) from stdin.
execFileSync('zip', ['-r', '-X', '-q', zipPath, '.', '-x', 'manifest.json', '-x', '.vite/*'], {
  cwd: dist,
});
const staging = join(outDir, '.staging');
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging);
execFileSync('sh', ['-c', 'cat > manifest.json'], {
  cwd: staging,
  input: JSON.stringify(manifest, null, 2),
});
execFileSync('zip', ['-X', '-q', zipPath, 'manifest.json'], { cwd: staging });
rmSync(staging, { recursive: true, force: true });
console.log(`${zipPath.slice(root.length)} (${manifest.name} ${manifest.version})`);
