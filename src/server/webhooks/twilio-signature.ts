import { createHmac } from 'node:crypto';
import { secretsEqual } from './secrets.ts';

/** Form parameters as a form parser gives them: a repeated name arrives as an array. */
export type TwilioParams = Record<string, string | string[]>;

/**
 * X-Twilio-Signature as Twilio computes it: base64(HMAC-SHA1(auth token, url + each parameter's
 * name and value, names in plain code-unit order)), over the URL exactly as given. The algorithm
 * of twilio-node `getExpectedTwilioSignature` (twilio/twilio-node src/webhooks/webhooks.ts,
 * commit 044e3f83): names sort with `Array.prototype.sort` (UTF-16 code units, so `CallSid` <
 * `CallStatus` < `CallbackSource` < `Called`, unlike `localeCompare`); a repeated name adds each
 * distinct value, sorted. Docs: "Twilio hashes the signature with the HMAC-SHA1 hashing
 * algorithm using your account auth token as the secret key"
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
 */
export function expectedTwilioSignature(
  authToken: string,
  url: string,
  params: TwilioParams,
): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const each of values) data += name + each;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/**
 * The URL with the scheme's standard port written out, as twilio-node's
 * `buildUrlWithStandardPort` does (https → :443, anything else → :80).
 */
function withStandardPort(url: URL): string {
  if (url.port) return url.toString();
  const port = url.protocol === 'https:' ? ':443' : ':80';
  return `${url.protocol}//${url.host}${port}${url.pathname}${url.search}${url.hash}`;
}

/**
 * The forms of one URL Twilio may have signed. twilio-node `validateRequest` tries it with and
 * without the port ("Check signature of the url with and without the port number since
 * signature generation on the back end is inconsistent"; the official vectors sign
 * https://mycompany.com/... as https://mycompany.com:443/...). Newer twilio-node normalises the
 * URL first (WHATWG `URL`, so `'` in a query becomes `%27`), older versions and the other SDKs
 * hash it as given: both are tried.
 */
function signedForms(url: string): Set<string> {
  const parsed = new URL(url);
  const forms = new Set([url, parsed.toString(), withStandardPort(parsed)]);
  parsed.port = '';
  forms.add(parsed.toString());
  return forms;
}

/** True when `signature` is Twilio's for one form of `url` and these parameters. */
export function validTwilioSignature(
  authToken: string,
  signature: string,
  url: string,
  params: TwilioParams,
): boolean {
  let valid = false;
  // Every form is compared (no early exit), each in constant time.
  for (const form of signedForms(url)) {
    if (secretsEqual(signature, expectedTwilioSignature(authToken, form, params))) valid = true;
  }
  return valid;
}
