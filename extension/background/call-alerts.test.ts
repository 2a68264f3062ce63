import { describe, expect, it } from 'vitest';
import type { CurrentCall } from '../messaging/protocol.ts';
import { badgeOf, callerLine } from './call-alerts.ts';

const call: CurrentCall = {
  key: 'twilio:CA1',
  source: 'server',
  platform: 'twilio',
  phase: 'ringing',
  remote: '+14155550101',
  withheld: false,
  startedAt: '2026-12-03T10:00:00Z',
  updatedAt: '2026-12-03T10:00:00Z',
};

describe('what the toolbar and the notification say of a call', () => {
  it('rings on the toolbar button, then says CALL, and nothing without a call', () => {
    expect(badgeOf(call).text).toBe('RING');
    expect(badgeOf({ ...call, phase: 'held' }).text).toBe('CALL');
    expect(badgeOf(null).text).toBe('');
  });

  it('names the caller, the customers sharing the number, or why there is no name', () => {
    const harper = { customerId: 'C1', name: 'Harper Johnson', email: null, phone: null };
    expect(callerLine({ ...call, customer: { status: 'found', customer: harper } })).toBe(
      'Harper Johnson',
    );
    expect(
      callerLine({
        ...call,
        customer: { status: 'ambiguous', candidates: [harper, { ...harper, customerId: 'C2' }] },
      }),
    ).toBe('+14155550101: 2 customers share this number');
    expect(callerLine({ ...call, remote: null, withheld: true })).toBe('Withheld number');
    expect(callerLine({ ...call, customer: { status: 'unknown' } })).toBe('+14155550101');
    expect(callerLine({ ...call, remote: null })).toBe('Unknown caller');
  });
});
