import type { RoutingConfig, RuleSet } from './schemas.ts';

/** JSON with object keys sorted, so equal content always serialises to the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${entries.join(',')}}`;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** 64-bit FNV-1a over UTF-16 code units: not cryptographic, only a stable content fingerprint. */
function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}

const byId = <T extends { id: string }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * Content version of a catalogue and its rules: the same content gives the same version
 * whatever the order items were stored in, and any edit (even toggling `active`) changes it.
 */
export function ruleSetVersion(ruleSet: RuleSet): string {
  const canonical = canonicalJson({
    treatments: byId(ruleSet.treatments),
    rules: byId(ruleSet.rules),
  });
  return `rs-${fnv1a64(canonical)}`;
}

/** Routing rules keep their order in the version, since the first match wins. */
export function routingConfigVersion(config: RoutingConfig): string {
  return `rt-${fnv1a64(canonicalJson(config))}`;
}
