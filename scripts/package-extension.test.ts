import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { packageExtension } from './package-extension.mjs';

const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fakeBuild(manifest: Record<string, unknown>): string {
  const dist = mkdtempSync(join(tmpdir(), 'loopdesk-dist-'));
  temporary.push(dist);
  writeFileSync(join(dist, 'manifest.json'), JSON.stringify(manifest));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'assets', 'panel.js'), 'console.log("panel")');
  mkdirSync(join(dist, '.vite'));
  writeFileSync(join(dist, '.vite', 'manifest.json'), '{}');
  return dist;
}

describe('packageExtension', () => {
  it('zips the build for the store without the key or vite bookkeeping', () => {
    const dist = fakeBuild({ name: 'LoopDesk', version: '1.2.3', key: 'MIIB-secret-ish' });
    const result = packageExtension(dist, join(dist, 'out'));
    expect(result.zipPath).toMatch(/loopdesk-1\.2\.3\.zip$/);
    const zip = unzipSync(readFileSync(result.zipPath));
    expect(Object.keys(zip).sort()).toEqual(['assets/panel.js', 'manifest.json']);
    const manifest = JSON.parse(new TextDecoder().decode(zip['manifest.json']));
    expect(manifest).toEqual({ name: 'LoopDesk', version: '1.2.3' });
    expect(new TextDecoder().decode(zip['assets/panel.js'])).toBe('console.log("panel")');
    // The unpacked build keeps its key.
    expect(JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8')).key).toBe(
      'MIIB-secret-ish',
    );
  });

  it('gives the same bytes for the same build', () => {
    const dist = fakeBuild({ name: 'LoopDesk', version: '1.0.0' });
    const out = mkdtempSync(join(tmpdir(), 'loopdesk-zip-'));
    temporary.push(out);
    const first = readFileSync(packageExtension(dist, join(out, 'a')).zipPath);
    const second = readFileSync(packageExtension(dist, join(out, 'b')).zipPath);
    expect(second.equals(first)).toBe(true);
  });

  it('names the missing manifest when nothing was built', () => {
    const empty = mkdtempSync(join(tmpdir(), 'loopdesk-empty-'));
    temporary.push(empty);
    expect(() => packageExtension(empty, join(empty, 'out'))).toThrow(/manifest\.json not found/);
  });
});
