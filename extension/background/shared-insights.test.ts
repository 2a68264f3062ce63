import { describe, expect, it } from 'vitest';
import type { InsightsResult } from '../messaging/protocol.ts';
import { SharedInsights } from './shared-insights.ts';

describe('insights requests shared while in flight', () => {
  it('asks once for the same query under way, and again once it is answered', async () => {
    const asked: unknown[] = [];
    let answer: (result: InsightsResult) => void = () => {};
    const shared = new SharedInsights((query) => {
      asked.push(query);
      return new Promise((resolve) => (answer = resolve));
    });
    const first = shared.get({ phone: '+14155550101', call: 'twilio:CA1' });
    const second = shared.get({ call: 'twilio:CA1', phone: '+14155550101' });
    expect(asked).toHaveLength(1);
    answer({ kind: 'unknown', detail: 'none' });
    expect(await first).toEqual(await second);
    void shared.get({ phone: '+14155550101', call: 'twilio:CA1' });
    expect(asked).toHaveLength(2);
    void shared.get({ phone: '+14155550102' });
    expect(asked).toHaveLength(3);
  });
});
