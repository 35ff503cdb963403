<?php

declare(strict_types=1);

test('signature headers equal the known vector (same as Node crypto)', function (): void {
    $headers = (new Sla_vigil_signer(SECRET))->headers('POST', '/bridge/events', VECTOR_BODY, VECTOR_TS, VECTOR_NONCE);
    assert_same([
        'X-SLA-Vigil-Timestamp' => '1767225600',
        'X-SLA-Vigil-Nonce'     => VECTOR_NONCE,
        'X-SLA-Vigil-Signature' => 'sha256=' . VECTOR_SIG,
    ], $headers);
});

test('signature covers the UTF-8 body bytes', function (): void {
    $headers = (new Sla_vigil_signer(SECRET))->headers('post', '/bridge/events', VECTOR_UTF8_BODY, VECTOR_TS, VECTOR_NONCE);
    assert_same('sha256=' . VECTOR_UTF8_SIG, $headers['X-SLA-Vigil-Signature']);
});

test('fresh timestamp and a new 32-hex nonce for every request', function (): void {
    $signer = new Sla_vigil_signer(SECRET);
    $a = $signer->headers('POST', '/bridge/events', '{}');
    $b = $signer->headers('POST', '/bridge/events', '{}');
    assert_true(preg_match('/^[0-9a-f]{32}$/', $a['X-SLA-Vigil-Nonce']) === 1, 'nonce format');
    assert_true($a['X-SLA-Vigil-Nonce'] !== $b['X-SLA-Vigil-Nonce'], 'nonces differ');
    assert_true(abs((int) $a['X-SLA-Vigil-Timestamp'] - time()) <= 1, 'timestamp is now');
    assert_true(preg_match('/^\d+$/', $a['X-SLA-Vigil-Timestamp']) === 1, 'whole seconds');
});
