import { LoginThrottle } from '../../devhost/web/login-throttle';

const limits = { maxFailuresPerEmail: 3, maxFailuresPerIp: 5, windowMs: 60_000 };

function throttleAt(start = 1_000_000): { throttle: LoginThrottle; advance(ms: number): void } {
  let now = start;
  return { throttle: new LoginThrottle(limits, () => now), advance: (ms) => (now += ms) };
}

describe('LoginThrottle', () => {
  it('refuses an email after its failures fill the window, until the oldest ages out', () => {
    const { throttle, advance } = throttleAt();
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterMs('1.1.1.1', 'Ada@x.test')).toBe(0);
      throttle.recordFailure('1.1.1.1', 'Ada@x.test');
      advance(1000);
    }
    // Case and spaces do not make a new account.
    expect(throttle.retryAfterMs('2.2.2.2', ' ada@X.test ')).toBe(57_000);
    advance(57_000);
    expect(throttle.retryAfterMs('2.2.2.2', 'ada@x.test')).toBe(0);
  });

  it('refuses an address after its failures over many emails', () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 5; i++) throttle.recordFailure('1.1.1.1', `user${i}@x.test`);
    expect(throttle.retryAfterMs('1.1.1.1', 'new@x.test')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('3.3.3.3', 'new@x.test')).toBe(0);
  });

  it('a success clears the account, not the address', () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 2; i++) throttle.recordFailure('1.1.1.1', 'ada@x.test');
    throttle.recordSuccess('ada@x.test');
    throttle.recordFailure('1.1.1.1', 'ada@x.test');
    expect(throttle.retryAfterMs('1.1.1.1', 'ada@x.test')).toBe(0);
  });
});
