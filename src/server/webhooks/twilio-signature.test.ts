import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectedTwilioSignature, validTwilioSignature } from './twilio-signature.ts';

// twilio/twilio-node spec/validation.spec.js (commit 005ea9cdbad2969f1d6c1f5059aa7df509f2d934);
// the same vectors are in twilio-python, twilio-ruby, twilio-csharp and twilio-php.
const token = '12345';
const requestUrl = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const defaultParams = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const defaultSignature = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

describe('X-Twilio-Signature (twilio-node test vectors)', () => {
  it('computes the documented signature', () => {
    expect(expectedTwilioSignature(token, requestUrl, defaultParams)).toBe(defaultSignature);
    expect(validTwilioSignature(token, defaultSignature, requestUrl, defaultParams)).toBe(true);
  });

  it('refuses a wrong signature, another token and a changed parameter', () => {
    expect(validTwilioSignature(token, 'WRONG_SIGNATURE', requestUrl, defaultParams)).toBe(false);
    expect(validTwilioSignature('54321', defaultSignature, requestUrl, defaultParams)).toBe(false);
    expect(
      validTwilioSignature(token, defaultSignature, requestUrl, {
        ...defaultParams,
        Digits: '1235',
      }),
    ).toBe(false);
    expect(validTwilioSignature(token, '', requestUrl, defaultParams)).toBe(false);
  });

  it('takes the URL with and without its port', () => {
    // "should validate https urls with ports by stripping them"
    const httpsWithPort = requestUrl.replace('.com', '.com:1234');
    expect(validTwilioSignature(token, defaultSignature, httpsWithPort, defaultParams)).toBe(true);
    // "should validate http urls with ports": hash of http url with port 1234
    const httpWithPort = httpsWithPort.replace('https', 'http');
    expect(
      validTwilioSignature(token, 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=', httpWithPort, defaultParams),
    ).toBe(true);
    // "...without ports by adding standard port 443": hash of https url with port 443
    expect(
      validTwilioSignature(token, 'kvajT1Ptam85bY51eRf/AJRuM3w=', requestUrl, defaultParams),
    ).toBe(true);
    expect(
      expectedTwilioSignature(
        token,
        'https://mycompany.com:443/myapp.php?foo=1&bar=2',
        defaultParams,
      ),
    ).toBe('kvajT1Ptam85bY51eRf/AJRuM3w=');
    // "...by adding standard port 80": hash of http url with port 80
    expect(
      validTwilioSignature(
        token,
        '0ZXoZLH/DfblKGATFgpif+LLRf4=',
        requestUrl.replace('https', 'http'),
        defaultParams,
      ),
    ).toBe(true);
  });

  it('takes special characters in the query and repeated parameters', () => {
    expect(
      validTwilioSignature(
        token,
        'dsq4Ehbj6cs+KdTkpF5sSSplOWw=',
        `${requestUrl}&Body=It's+amazing`,
        defaultParams,
      ),
    ).toBe(true);
    for (const order of [
      ['+1325xxxxxxx', '+1415xxxxxxx'],
      ['+1415xxxxxxx', '+1325xxxxxxx'],
    ]) {
      expect(
        validTwilioSignature(token, '83O6e2vORAoJHUNzJjDWN1jz+BA=', requestUrl, {
          'MessagingBinding.Address': order,
        }),
      ).toBe(true);
    }
    expect(
      validTwilioSignature(token, 'IK+Dwps556ElfBT0I3Rgjkr1wJU=', requestUrl, {
        Sid: 'CA123',
        SidAccount: 'AC123',
        Digits: ['5678', '1234', '1234'],
      }),
    ).toBe(true);
  });

  it('sorts parameter names by code unit, as a real status callback needs', () => {
    // A status callback's CallSid, CallStatus, CallbackSource, Called, Caller: code-unit order
    // puts `CallS...` before `Callb...`; localeCompare would not. The expected value is
    // self-computed with the official algorithm (not published by Twilio).
    const params = {
      ...defaultParams,
      CallbackSource: 'call-progress-events',
      Called: '+18005551212',
      CallStatus: 'ringing',
    };
    expect(expectedTwilioSignature(token, requestUrl, params)).toBe('s5So+gVsrWtc/evTkpTjQnl/Xkc=');
    const localeOrdered = Object.keys(params)
      .sort((a, b) => a.localeCompare(b))
      .reduce((data, name) => data + name + params[name as keyof typeof params], requestUrl);
    const localeSignature = createHmac('sha1', token).update(localeOrdered).digest('base64');
    expect(localeSignature).toBe('7by6KX8RoljJyow9YMRIEeymKAM=');
    expect(validTwilioSignature(token, localeSignature, requestUrl, params)).toBe(false);
  });
});
