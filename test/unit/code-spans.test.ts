import { withCode } from '../../src/web/code-spans';

describe('withCode', () => {
  it('sets backticked parts as code and escapes everything', () => {
    expect(withCode('run `sla-vigil worker --every 60` <now>')).toBe(
      'run <code>sla-vigil worker --every 60</code> &lt;now&gt;',
    );
    expect(withCode('`<b>` & `x`')).toBe('<code>&lt;b&gt;</code> &amp; <code>x</code>');
  });

  it('leaves a lone or empty backtick as text', () => {
    expect(withCode('a ` b')).toBe('a ` b');
    expect(withCode('a `` b')).toBe('a `` b');
  });
});
