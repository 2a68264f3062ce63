import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SoftphoneCall } from './types.ts';

// Test support only (never imported by a content script): loads the rebuilt softphone pages
// and message sequences in e2e/fixtures/softphone/.
const FIXTURE_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../e2e/fixtures/softphone/',
);

/** A page softphone's page and the call it must yield (`<id>.cases.json`). */
export interface PageCase {
  fixture: string;
  url: string;
  expectedCall: SoftphoneCall | null;
}

/** One message and the call the adapter holds after it. */
interface MessageStep {
  data: unknown;
  expectedCall: SoftphoneCall | null;
}

/** An embedded softphone's messages, in order (`<id>.messages.json`). */
export interface MessageFixture {
  adapter: string;
  origin: string;
  /** The softphone's own page posting to itself (read by a page adapter). */
  ownWindow?: boolean;
  pageUrl?: string;
  note: string;
  sequences: { name: string; source: string; steps: MessageStep[] }[];
}

const files = (suffix: string) =>
  readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith(suffix))
    .sort();

const readJson = (name: string): unknown =>
  JSON.parse(readFileSync(`${FIXTURE_DIR}${name}`, 'utf8'));

export const pageCases: PageCase[] = files('.cases.json').flatMap(
  (name) => readJson(name) as PageCase[],
);

export const messageFixtures: MessageFixture[] = files('.messages.json').map(
  (name) => readJson(name) as MessageFixture,
);

/** Parses a fixture page as Chrome's HTML parser would (no scripts run). */
export function loadPage(fixture: string): Document {
  const html = readFileSync(`${FIXTURE_DIR}${fixture}`, 'utf8');
  return new DOMParser().parseFromString(html, 'text/html');
}
