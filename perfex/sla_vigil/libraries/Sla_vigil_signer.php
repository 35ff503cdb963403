<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/**
 * Signs requests for the channel described in bridge-contract: HMAC-SHA256 over
 * METHOD, PATH (with query), TIMESTAMP, NONCE and the raw BODY, joined by "\n".
 * The service recomputes the same string, so every byte here is part of the contract.
 * The service signs its answers too (NONCE of the request, STATUS, BODY): the module uses an
 * answer only when it carries that signature, because it puts answers into Perfex's SQL
 * (the list filter) and admin HTML (fragments, pages).
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

    /** `sha256=` + hex, the value of `X-SLA-Vigil-Answer-Signature` for this answer. */
    public function answerSignature(string $nonce, int $status, string $body): string
    {
        return 'sha256=' . hash_hmac('sha256', $nonce . "\n" . $status . "\n" . $body, $this->secret);
    }

    /** True only when $header (null when missing) is the service's signature of this answer. */
    public function answerIsSigned(?string $header, string $nonce, int $status, string $body): bool
    {
        return $header !== null && hash_equals($this->answerSignature($nonce, $status, $body), trim($header));
    }

    public function signature(string $method, string $path, string $timestamp, string $nonce, string $body): string
    {
        $message = strtoupper($method) . "\n" . $path . "\n" . $timestamp . "\n" . $nonce . "\n" . $body;

        return hash_hmac('sha256', $message, $this->secret);
    }
}
