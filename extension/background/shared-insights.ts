import type { InsightsQuery } from '../../src/contract/insights.ts';
import type { InsightsResult } from '../messaging/protocol.ts';

/**
 * One request per insights query while it is under way: the worker starts a ringing caller's
 * lookup itself, and the panel's request for the same query, a moment later, joins it rather
 * than asking the backend again. Only requests in flight are shared; an answer is never kept.
 */
export class SharedInsights {
  readonly #inFlight = new Map<string, Promise<InsightsResult>>();
  readonly #fetch: (query: InsightsQuery) => Promise<InsightsResult>;

  constructor(fetchInsights: (query: InsightsQuery) => Promise<InsightsResult>) {
    this.#fetch = fetchInsights;
  }

  get(query: InsightsQuery): Promise<InsightsResult> {
    const key = JSON.stringify(Object.entries(query).sort(([a], [b]) => a.localeCompare(b)));
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const started = this.#fetch(query).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, started);
    return started;
  }
}
