import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CustomerRef } from './types.ts';

// Test support only (never imported by the content script): loads the recorded CRM pages.
const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../e2e/fixtures/crm/');

export interface FixtureCase {
  fixture: string;
  url: string;
  expectedRef: CustomerRef | null;
}

/** Every `<crm>.cases.json` beside the pages: one file per adapter, so adapters change apart. */
export const fixtureCases: FixtureCase[] = readdirSync(FIXTURE_DIR)
  .filter((name) => name.endsWith('.cases.json'))
  .sort()
  .flatMap((name) => JSON.parse(readFileSync(`${FIXTURE_DIR}${name}`, 'utf8')) as FixtureCase[]);

/**
 * Parses a fixture as Chrome's HTML parser would, including declarative shadow DOM
 * (`<template shadowrootmode="open">`), which happy-dom's parser leaves as plain templates.
 */
export function loadFixture(name: string): Document {
  const html = readFileSync(`${FIXTURE_DIR}${name}`, 'utf8');
  const doc = new DOMParser().parseFromString(html, 'text/html');
  attachDeclarativeShadowRoots(doc);
  return doc;
}

function attachDeclarativeShadowRoots(root: ParentNode) {
  for (const template of [...root.querySelectorAll('template[shadowrootmode]')]) {
    const host = template.parentElement;
    if (!host || !(template instanceof HTMLTemplateElement)) continue;
    const mode = template.getAttribute('shadowrootmode') === 'closed' ? 'closed' : 'open';
    const shadow = host.attachShadow({ mode });
    shadow.appendChild(template.content);
    template.remove();
    attachDeclarativeShadowRoots(shadow);
  }
}
