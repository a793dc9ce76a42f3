/** The outcome of asking the limiter for one more request. */
export type RateLimitDecision =
  | { allowed: true }
  /** `firstRefusal` is true once per window and user, so a notice is given once rather than for every request. */
  | { allowed: false; retryAfterMs: number; firstRefusal: boolean };

/** Per-user sliding-window limiter: at most `limit` requests in any `windowMs`. */
export interface RateLimiter {
  /** Counts one request for `userId` if allowed. */
  take(userId: string): RateLimitDecision;
}

/** Creates a sliding-window limiter; `now` is injectable for tests. Memory stays bounded by pruning idle users. */
export function createRateLimiter(options: { limit: number; windowMs?: number; now?: () => number }): RateLimiter {
  const { limit } = options;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const hits = new Map<string, number[]>();
  /** Until when each refused user has been told (the end of the window they were refused in). */
  const toldUntil = new Map<string, number>();
  let lastPrune = now();

  function prune(at: number): void {
    if (at - lastPrune < windowMs) return;
    lastPrune = at;
    for (const [user, times] of hits) {
      if (times.every((time) => at - time >= windowMs)) hits.delete(user);
    }
    for (const [user, until] of toldUntil) {
      if (until <= at) toldUntil.delete(user);
    }
  }

  return {
    take(userId) {
      const at = now();
      prune(at);
      const recent = (hits.get(userId) ?? []).filter((time) => at - time < windowMs);
      if (recent.length >= limit) {
        const oldest = recent[0] ?? at;
        hits.set(userId, recent);
        const retryAfterMs = Math.max(0, oldest + windowMs - at);
        const firstRefusal = (toldUntil.get(userId) ?? 0) <= at;
        if (firstRefusal) toldUntil.set(userId, at + retryAfterMs);
        return { allowed: false, retryAfterMs, firstRefusal };
      }
      recent.push(at);
      hits.set(userId, recent);
      return { allowed: true };
    },
  };
}
