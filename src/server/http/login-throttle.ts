import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginThrottleOptions {
  /** Failed token checks one client address may make per window before it is throttled. */
  failuresPerWindow: number;
  windowSeconds: number;
}

/**
 * Throttles token guessing per client address, not per token as sent (every guess is a new
 * token). Once an address is over its budget, only tokens that authenticated recently are
 * still checked, so CSRs behind the same contact-center NAT keep working while guesses from
 * that address wait; a token nobody used lately gets 429 without being looked up, so the
 * throttled address learns nothing new.
 */
export class LoginThrottle {
  private readonly failures: RateLimiterMemory;
  private readonly recentlyAuthenticated: LRUCache<string, true>;

  constructor(private readonly options: LoginThrottleOptions) {
    this.failures = new RateLimiterMemory({
      points: options.failuresPerWindow,
      duration: options.windowSeconds,
    });
    this.recentlyAuthenticated = new LRUCache<string, true>({
      max: 50_000,
      ttl: options.windowSeconds * 1_000,
    });
  }

  /** Seconds until this address may try unknown tokens again; 0 when it is not throttled. */
  async secondsBlocked(address: string, tokenHash: string): Promise<number> {
    if (this.recentlyAuthenticated.has(tokenHash)) return 0;
    const state = await this.failures.get(address);
    if (!state || state.consumedPoints < this.options.failuresPerWindow) return 0;
    return Math.max(1, Math.ceil(state.msBeforeNext / 1_000));
  }

  async recordFailure(address: string): Promise<void> {
    try {
      await this.failures.consume(address);
    } catch (error) {
      // Over the budget already: the rejection is the answer, not an error.
      if (!(error instanceof RateLimiterRes)) throw error;
    }
  }

  recordSuccess(tokenHash: string): void {
    this.recentlyAuthenticated.set(tokenHash, true);
  }
}
