import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CustomerRef } from './types.ts';

// Test support only (never imported by the content script): loads the recorded CRM and chat
// console pages.
const FIXTURE_DIRS = ['crm', 'chat'].map((folder) =>
  join(dirname(fileURLToPath(import.meta.url)), `../../../e2e/fixtures/${folder}/`),
);

export interface FixtureCase {
  fixture: string;
  url: string;
  expectedRef: CustomerRef | null;
}

/** Every `<crm>.cases.json` beside the pages: one file per adapter, so adapters change apart. */
export const fixtureCases: FixtureCase[] = FIXTURE_DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.cases.json'))
    .sort()
    .flatMap((name) => JSON.parse(readFileSync(`${dir}${name}`, 'utf8')) as FixtureCase[]),
);

function fixturePath(name: string): string {
  const dir = FIXTURE_DIRS.find((candidate) => existsSync(`${candidate}${name}`));
  if (!dir) throw new Error(`no fixture page ${name}`);
  return `${dir}${name}`;
}

/**
 * Parses a fixture as Chrome's HTML parser would, including declarative shadow DOM
 * (`<template shadowrootmode="open">`), which happy-dom's parser leaves as plain templates.
 */
export function loadFixture(name: string): Document {
  const html = readFileSync(fixturePath(name), 'utf8');
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

/** A recorded (or rebuilt) API answer saved beside the pages, parsed. */
export function loadFixtureJson(name: string): unknown {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8'));
}
