/** How many failed sign-ins a window allows, per email address and per client address. */
export interface LoginLimits {
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  maxFailuresPerEmail: 5,
  // One office behind one address shares this budget: higher than one account's.
  maxFailuresPerIp: 20,
  windowMs: 15 * 60_000,
};

/** Keys kept at most; beyond it the oldest go first, so a flood of made-up emails cannot fill memory. */
const MAX_KEYS = 10_000;

/**
 * Counts failed sign-ins per email and per client address in a sliding window (in memory: the
 * devhost is one process). While either is over its limit every attempt is refused, the right
 * password too, so guessing cannot go on.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the next attempt is allowed; 0 when it is allowed now. */
  retryAfterMs(ip: string, email: string): number {
    return Math.max(
      this.wait(`ip:${ip}`, this.limits.maxFailuresPerIp),
      this.wait(`email:${normalise(email)}`, this.limits.maxFailuresPerEmail),
    );
  }

  recordFailure(ip: string, email: string): void {
    for (const key of [`ip:${ip}`, `email:${normalise(email)}`]) {
      const times = this.recent(key);
      times.push(this.now());
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    while (this.failures.size > MAX_KEYS) {
      const oldest = this.failures.keys().next().value as string;
      this.failures.delete(oldest);
    }
  }

  /** A successful sign-in clears the account's count (not the address's: others may be guessing). */
  recordSuccess(email: string): void {
    this.failures.delete(`email:${normalise(email)}`);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  private wait(key: string, max: number): number {
    const times = this.recent(key);
    if (times.length < max) return 0;
    // Allowed again once enough of the window's failures have aged out.
    return times[times.length - max] + this.limits.windowMs - this.now();
  }
}

function normalise(email: string): string {
  return email.trim().toLowerCase();
}
