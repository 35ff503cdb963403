<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_http.php';

/**
 * Fetches one HTML fragment (list badges, ticket panel, home widget) from the service with
 * a signed JSON POST (bridge-contract, addendum 2). It runs while Perfex renders its own
 * page, so it is short (500 ms connect, 1500 ms total) and never throws: on any failure
 * the answer is null and the page renders as if the module were absent. Failures are
 * logged once per request, so a dead service does not fill the log with one line a hook.
 */
final class Sla_vigil_fragment_client
{
    private const CONNECT_TIMEOUT_MS = 500;
    private const TIMEOUT_MS = 1500;

    private static bool $loggedThisRequest = false;

    /** @return array<string, mixed>|null the decoded JSON object of a 200 answer */
    public static function fetch(string $endpoint, array $body): ?array
    {
        try {
            return self::post(
                (string) get_option('sla_vigil_service_url'),
                (string) get_option('sla_vigil_secret'),
                $endpoint,
                json_encode($body, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR)
            );
        } catch (Throwable $e) {
            self::logError($endpoint, get_class($e) . ': ' . $e->getMessage());

            return null;
        }
    }

    /** A new request (tests): the next failure is logged again. */
    public static function reset(): void
    {
        self::$loggedThisRequest = false;
    }

    /** @return array<string, mixed>|null */
    private static function post(string $serviceUrl, string $secret, string $endpoint, string $body): ?array
    {
        $answer = Sla_vigil_http::signedJsonPost($serviceUrl, $secret, $endpoint, $body, self::CONNECT_TIMEOUT_MS, self::TIMEOUT_MS);
        if ($answer['failure'] !== null) {
            self::logError($endpoint, $answer['failure']);
        }

        return $answer['json'];
    }

    private static function logError(string $endpoint, string $reason): void
    {
        if (self::$loggedThisRequest) {
            return;
        }
        self::$loggedThisRequest = true;
        if (function_exists('log_message')) {
            log_message('error', 'SLA Vigil: could not fetch ' . $endpoint . ': ' . $reason);
        }
    }
}
