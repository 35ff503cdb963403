import { wantsPrettyLogs } from '../../src/wiring/create-logger';

describe('wantsPrettyLogs: readable lines for people, JSON for machines', () => {
  it.each([
    ['a terminal in development', {}, true, true],
    ['a pipe or a file (tests, log collectors)', {}, false, false],
    ['LOG_PRETTY=1 through a pipe', { LOG_PRETTY: '1' }, false, true],
    ['LOG_PRETTY=0 at a terminal', { LOG_PRETTY: '0' }, true, false],
    ['production at a terminal', { NODE_ENV: 'production' }, true, false],
    ['production, even with LOG_PRETTY=1', { NODE_ENV: 'production', LOG_PRETTY: '1' }, true, false],
  ] as [string, NodeJS.ProcessEnv, boolean, boolean][])('%s', (_what, env, isTTY, pretty) => {
    expect(wantsPrettyLogs(env, isTTY)).toBe(pretty);
  });
});
