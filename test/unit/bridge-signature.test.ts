import {
  checkBridgeSignature,
  signBridgeAnswer,
  signBridgeRequest,
  MAX_CLOCK_SKEW_SECONDS,
} from '../../src/host/bridge/bridge-signature';

// The fixed vector the PHP signer is checked against too (bridge-contract).
const SECRET = '0123456789abcdef'.repeat(4);
const VECTOR = {
  method: 'POST',
  path: '/bridge/events',
  timestamp: '1767225600',
  nonce: '00112233445566778899aabbccddeeff',
  body: '{"event":"ticket_created","payload":{"ticket_id":42}}',
};
const VECTOR_SIGNATURE = 'sha256=f40bcfa1c179153929a9f1e20b154c755d62732d314be34e37a29a236afbf9fb';

function received(
  overrides: Partial<{ signature: string; timestamp: string; nonce: string; body: string }> = {},
) {
  return {
    method: 'POST',
    path: VECTOR.path,
    headers: {
      timestamp: overrides.timestamp ?? VECTOR.timestamp,
      nonce: overrides.nonce ?? VECTOR.nonce,
      signature: overrides.signature ?? VECTOR_SIGNATURE,
    },
    body: Buffer.from(overrides.body ?? VECTOR.body, 'utf8'),
  };
}

describe('bridge signature', () => {
  it('signs the known vector', () => {
    expect(signBridgeRequest(SECRET, VECTOR)).toBe(VECTOR_SIGNATURE);
    expect(signBridgeRequest(SECRET, { ...VECTOR, body: Buffer.from(VECTOR.body) })).toBe(VECTOR_SIGNATURE);
  });

  it('accepts the vector at its own time and up to 300 s either way', () => {
    const at = Number(VECTOR.timestamp);
    for (const now of [at, at - MAX_CLOCK_SKEW_SECONDS, at + MAX_CLOCK_SKEW_SECONDS])
      expect(checkBridgeSignature(SECRET, received(), now)).toEqual({
        ok: true,
        nonce: VECTOR.nonce,
        timestamp: at,
      });
  });

  it('calls a timestamp 301 s away stale', () => {
    const at = Number(VECTOR.timestamp);
    expect(checkBridgeSignature(SECRET, received(), at + 301)).toEqual({ ok: false, reason: 'stale' });
    expect(checkBridgeSignature(SECRET, received(), at - 301)).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses a changed body, path, nonce, secret or a malformed signature as bad_signature', () => {
    const now = Number(VECTOR.timestamp);
    const bad = { ok: false, reason: 'bad_signature' };
    expect(checkBridgeSignature(SECRET, received({ body: VECTOR.body.replace('42', '43') }), now)).toEqual(
      bad,
    );
    expect(checkBridgeSignature(SECRET, { ...received(), path: '/bridge/events?x=1' }, now)).toEqual(bad);
    expect(checkBridgeSignature(SECRET, received({ nonce: 'f'.repeat(32) }), now)).toEqual(bad);
    expect(checkBridgeSignature('f'.repeat(64), received(), now)).toEqual(bad);
    expect(checkBridgeSignature(SECRET, received({ signature: 'sha256=00' }), now)).toEqual(bad);
    expect(
      checkBridgeSignature(SECRET, received({ signature: VECTOR_SIGNATURE.toUpperCase() }), now),
    ).toEqual(bad);
  });

  it('calls a missing or malformed header unsigned', () => {
    const now = Number(VECTOR.timestamp);
    const unsigned = { ok: false, reason: 'unsigned' };
    expect(checkBridgeSignature(SECRET, { ...received(), headers: {} }, now)).toEqual(unsigned);
    expect(checkBridgeSignature(SECRET, received({ signature: '' }), now)).toEqual(unsigned);
    expect(checkBridgeSignature(SECRET, received({ timestamp: '1767225600.5' }), now)).toEqual(unsigned);
    expect(checkBridgeSignature(SECRET, received({ nonce: 'XYZ' }), now)).toEqual(unsigned);
    expect(checkBridgeSignature(SECRET, received({ nonce: VECTOR.nonce.toUpperCase() }), now)).toEqual(
      unsigned,
    );
  });
});

// The answer vector, also checked against the PHP signer (php test/php/run.php --sign-answer).
const ANSWER_VECTOR = { nonce: VECTOR.nonce, status: 200, body: '{"condition":"1 = 1"}' };
const ANSWER_SIGNATURE = 'sha256=c9254bc80ce42a8a215843325af61bbc7f3ee9e2f7b82bbcf7682e78e27f3297';

describe('bridge answer signature', () => {
  it('signs the known vector', () => {
    expect(signBridgeAnswer(SECRET, ANSWER_VECTOR)).toBe(ANSWER_SIGNATURE);
    expect(signBridgeAnswer(SECRET, { ...ANSWER_VECTOR, body: Buffer.from(ANSWER_VECTOR.body) })).toBe(
      ANSWER_SIGNATURE,
    );
  });

  it('changes with the nonce, the status, the body and the secret', () => {
    const others = [
      signBridgeAnswer(SECRET, { ...ANSWER_VECTOR, nonce: 'ffeeddccbbaa99887766554433221100' }),
      signBridgeAnswer(SECRET, { ...ANSWER_VECTOR, status: 201 }),
      signBridgeAnswer(SECRET, { ...ANSWER_VECTOR, body: '{"condition":"1 = 0"}' }),
      signBridgeAnswer('f'.repeat(64), ANSWER_VECTOR),
    ];
    expect(new Set([ANSWER_SIGNATURE, ...others]).size).toBe(5);
  });
});
