import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  callShownMark,
  contentWorkMeasure,
  customerPathMarks,
  insightsShownMark,
  markCallShown,
  markCustomerPath,
  markInsightsShown,
  timed,
} from './timing-marks.ts';

const entries = () =>
  performance
    .getEntries()
    .filter((entry) => entry.name.startsWith('loopdesk:'))
    .map((entry) => ({
      name: entry.name,
      type: entry.entryType,
      detail: (entry as PerformanceMark).detail,
    }));

beforeEach(() => {
  performance.clearMarks();
  performance.clearMeasures();
});
afterEach(() => vi.unstubAllEnvs());

describe('benchmark marks in a normal build', () => {
  it('marks the customer path stages with the page URL', () => {
    markCustomerPath('workerReceived', 'https://crm.example.com/case/1');
    markCustomerPath('panelReceived', 'https://crm.example.com/case/1');
    expect(entries()).toEqual([
      {
        name: customerPathMarks.workerReceived,
        type: 'mark',
        detail: 'https://crm.example.com/case/1',
      },
      {
        name: customerPathMarks.panelReceived,
        type: 'mark',
        detail: 'https://crm.example.com/case/1',
      },
    ]);
  });

  it('marks shown insights with the customer and the decision', () => {
    markInsightsShown('c-1', 'd-1');
    expect(entries()).toEqual([
      { name: insightsShownMark, type: 'mark', detail: { customerId: 'c-1', decisionId: 'd-1' } },
    ]);
  });

  it('marks a shown call with its key, phase and caller', () => {
    markCallShown('twilio:CA1', 'ringing', 'c-1');
    expect(entries()).toEqual([
      {
        name: callShownMark,
        type: 'mark',
        detail: { key: 'twilio:CA1', phase: 'ringing', customerId: 'c-1' },
      },
    ]);
  });

  it('leaves detector callbacks unwrapped unless content timing is switched on', () => {
    const callback = vi.fn();
    expect(timed('check', callback)).toBe(callback);
  });

  it('measures each run of a detector callback when content timing is on', () => {
    vi.stubEnv('VITE_LOOPDESK_CONTENT_TIMING', '1');
    const callback = vi.fn();
    const wrapped = timed('mutation', callback);
    wrapped('a', 1);
    expect(callback).toHaveBeenCalledWith('a', 1);
    expect(entries()).toEqual([{ name: contentWorkMeasure, type: 'measure', detail: 'mutation' }]);
  });

  it('still measures a callback that throws, and lets the error through', () => {
    vi.stubEnv('VITE_LOOPDESK_CONTENT_TIMING', '1');
    const wrapped = timed('check', () => {
      throw new Error('page changed');
    });
    expect(() => wrapped()).toThrow('page changed');
    expect(entries()).toEqual([{ name: contentWorkMeasure, type: 'measure', detail: 'check' }]);
  });
});

describe('the store build (mode "store")', () => {
  it('marks and measures nothing, even with content timing switched on', () => {
    vi.stubEnv('MODE', 'store');
    vi.stubEnv('VITE_LOOPDESK_CONTENT_TIMING', '1');
    const callback = vi.fn();
    markCustomerPath('workerPushed', 'https://crm.example.com/case/1');
    markInsightsShown('c-1', 'd-1');
    markCallShown('twilio:CA1', 'ringing', 'c-1');
    const wrapped = timed('check', callback);
    wrapped();
    expect(wrapped).toBe(callback);
    expect(callback).toHaveBeenCalledOnce();
    expect(entries()).toEqual([]);
  });
});
