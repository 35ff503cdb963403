<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_http.php';

/**
 * Posts signed JSON to the SLA Vigil service. It runs inside the staff member's or
 * client's own Perfex request, so it must be short and must never throw: a lost event is
 * repaired by the service's reconcile scan, a broken Perfex page is not repairable.
 */
final class Sla_vigil_client
{
    private const CONNECT_TIMEOUT_MS = 500;
    private const TIMEOUT_MS = 1000;

    /**
     * Set once a forward failed in this PHP request. Perfex fires a hook per ticket in a bulk
     * delete and in the cron's auto-close: against a service that does not answer, waiting a
     * second for each would outlast PHP's time limit and break Perfex's request, so the rest
     * are skipped at once (and logged); the reconcile repairs them all the same.
     */
    private static bool $failedThisRequest = false;

    /** A new request (tests): forwards are tried again. */
    public static function reset(): void
    {
        self::$failedThisRequest = false;
    }

    /** Whether a forward already failed in this request (later calls to the service are skipped). */
    public static function gaveUpThisRequest(): bool
    {
        return self::$failedThisRequest;
    }

    public function __construct(private string $serviceUrl, private string $secret)
    {
    }

    /** Sends one event to POST /bridge/events; true when the service answered 2xx. */
    public function sendEvent(string $event, array $payload): bool
    {
        try {
            $body = json_encode(['event' => $event, 'payload' => $payload], JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);

            return $this->post('/bridge/events', $body, $event);
        } catch (Throwable $e) {
            self::logError($event, get_class($e) . ': ' . $e->getMessage());

            return false;
        }
    }

    private function post(string $endpoint, string $body, string $what): bool
    {
        if (self::$failedThisRequest) {
            self::logError($what, 'skipped: the service did not answer earlier in this request');

            return false;
        }
        $answer = Sla_vigil_http::signedPost(
            $this->serviceUrl,
            $this->secret,
            $endpoint,
            $body,
            self::CONNECT_TIMEOUT_MS,
            self::TIMEOUT_MS
        );
        if ($answer['failure'] !== null) {
            self::$failedThisRequest = true;
            self::logError($what, $answer['failure']);

            return false;
        }
        if ($answer['status'] < 200 || $answer['status'] >= 300) {
            // The body is the service's {"error": ...}; it never echoes the secret.
            self::logError($what, 'service answered HTTP ' . $answer['status'] . ' ' . substr($answer['body'], 0, 200));

            return false;
        }

        return true;
    }

    private static function logError(string $what, string $reason): void
    {
        if (function_exists('log_message')) {
            log_message('error', 'SLA Vigil: could not forward ' . $what . ': ' . $reason);
        }
    }
}
