import { withoutBridgeParams } from '../../src/host/bridge/bridge-pages';

describe('withoutBridgeParams', () => {
  it.each([
    ['/admin/sla_vigil?_sv_staff=1&_sv_lang=german', '/admin/sla_vigil'],
    [
      '/admin/sla_vigil/monitor?state=breached&_sv_staff=1&q=a+b%26c',
      '/admin/sla_vigil/monitor?state=breached&q=a+b%26c',
    ],
    // An escaped name is the same parameter to the query parser, so it goes too.
    ['/x?%5Fsv_staff=2&a=1', '/x?a=1'],
    ['/x?a=1&&b=%zz', '/x?a=1&b=%zz'],
    ['/x', '/x'],
    ['/x?sv_staff=1', '/x?sv_staff=1'],
  ])('%s -> %s', (url, expected) => {
    expect(withoutBridgeParams(url)).toBe(expected);
  });
});
