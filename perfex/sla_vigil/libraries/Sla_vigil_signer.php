<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/**
 * Signs requests for the channel described in bridge-contract: HMAC-SHA256 over
 * METHOD, PATH (with query), TIMESTAMP, NONCE and the raw BODY, joined by "\n".
 * The service recomputes the same string, so every byte here is part of the contract.
 */
final class Sla_vigil_signer
{
    public function __construct(private string $secret)
    {
    }

    /**
     * Headers for one request. Timestamp and nonce are injectable only so tests can
     * check a fixed vector; in production each request gets a fresh nonce (replay guard).
     *
     * @return array<string, string>
     */
    public function headers(string $method, string $path, string $body, ?int $timestamp = null, ?string $nonce = null): array
    {
        $timestamp ??= time();
        $nonce ??= bin2hex(random_bytes(16));

        return [
            'X-SLA-Vigil-Timestamp' => (string) $timestamp,
            'X-SLA-Vigil-Nonce'     => $nonce,
            'X-SLA-Vigil-Signature' => 'sha256=' . $this->signature($method, $path, (string) $timestamp, $nonce, $body),
        ];
    }

    public function signature(string $method, string $path, string $timestamp, string $nonce, string $body): string
    {
        $message = strtoupper($method) . "\n" . $path . "\n" . $timestamp . "\n" . $nonce . "\n" . $body;

        return hash_hmac('sha256', $message, $this->secret);
    }
}
