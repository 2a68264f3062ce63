import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import manifest from './manifest.json' with { type: 'json' };

/**
 * LOOPDESK_E2E_GRANT_HOSTS=1 (e2e builds only, into dist-e2e/): the built-in CRM origins move
 * from optional_host_permissions to host_permissions, i.e. granted at install. Headless tests
 * cannot click Chrome's permission prompt; with the origins already granted,
 * chrome.permissions.request resolves true without one, so the options page's real flow runs.
 * The store build (dist/) never has this.
 */
const grantHostsForTests = process.env.LOOPDESK_E2E_GRANT_HOSTS === '1';

function buildManifest(): ManifestV3Export {
  if (!grantHostsForTests) return manifest as ManifestV3Export;
  const crmOrigins = manifest.optional_host_permissions.filter(
    (p) => !/^https?:\/\/\*\/\*$/.test(p),
  );
  // Self-hosted CRMs the tests serve (LOOPDESK_E2E_EXTRA_HOSTS, space-separated match patterns).
  crmOrigins.push(...(process.env.LOOPDESK_E2E_EXTRA_HOSTS ?? '').split(/\s+/).filter(Boolean));
  return {
    ...manifest,
    host_permissions: [...manifest.host_permissions, ...crmOrigins],
  } as ManifestV3Export;
}

/**
 * crxjs lists dynamically imported scripts as web_accessible_resources for every http(s) page,
 * which a loader-style script needs. Ours is a self-contained IIFE registered through
 * chrome.scripting, so pages need no access to it: the entry is dropped (least exposure).
 */
function dropContentScriptWebResources(): Plugin {
  return {
    name: 'loopdesk:drop-content-script-web-resources',
    enforce: 'post',
    writeBundle(options) {
      const file = join(options.dir ?? 'dist', 'manifest.json');
      if (!existsSync(file)) return;
      const built = JSON.parse(readFileSync(file, 'utf8')) as {
        web_accessible_resources?: { resources: string[] }[];
      };
      const kept = (built.web_accessible_resources ?? []).filter(
        (entry) => !entry.resources.every((file) => file.startsWith('extension/content/')),
      );
      if (kept.length) built.web_accessible_resources = kept;
      else delete built.web_accessible_resources;
      writeFileSync(file, JSON.stringify(built, null, 2));
    },
  };
}

// `npm run package` builds with `--mode store`: import.meta.env.MODE is then 'store', which turns
// the benchmark marks (extension/shared/timing-marks.ts) into no-ops the minifier removes.
export default defineConfig({
  plugins: [react(), crx({ manifest: buildManifest() }), dropContentScriptWebResources()],
  // The icons are referenced from the manifest (public/icon-*.png) and copied by crxjs.
  publicDir: false,
  build: {
    outDir: process.env.LOOPDESK_OUT_DIR ?? 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome116',
    rollupOptions: { input: { supervisor: 'extension/supervisor/index.html' } },
  },
  server: { port: 5173, strictPort: true },
});
