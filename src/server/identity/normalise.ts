import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { canonicalRecordId } from './record-ids.ts';

/** Emails compare case-insensitively in practice, so they are stored lower-cased and trimmed. */
export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

const looksLikeEmail = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function isEmail(value: string): boolean {
  return looksLikeEmail.test(value);
}

/**
 * E.164 (+15551234567), reading national numbers in `defaultRegion`. Returns null when the
 * input is not a valid phone number.
 */
export function normalisePhone(raw: string, defaultRegion: string): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultRegion as CountryCode);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

/** CRM names and object types match case-insensitively ("Account" and "account"). */
export function normaliseCrmName(raw: string): string {
  return raw.trim().toLowerCase();
}

/**
 * Record ids are the CRM's own and may be case-sensitive (Salesforce), so they are only trimmed,
 * apart from CRMs that write one record's id in several forms (see record-ids.ts). `crm` is the
 * normalised CRM name.
 */
export function normaliseRecordId(raw: string, crm: string): string {
  return canonicalRecordId(crm, raw.trim());
}
