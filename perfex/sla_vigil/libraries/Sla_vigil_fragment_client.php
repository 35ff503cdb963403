<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_signer.php';

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
        if ($secret === '' || $serviceUrl === '') {
            self::logError($endpoint, 'the options sla_vigil_service_url and sla_vigil_secret must be set (reactivate the module)');

            return null;
        }
        if (!function_exists('curl_init')) {
            self::logError($endpoint, 'the PHP curl extension is missing');

            return null;
        }
        $url = rtrim($serviceUrl, '/') . $endpoint;
        // The signature covers the path exactly as sent, including any prefix in the URL.
        $path = (string) (parse_url($url, PHP_URL_PATH) ?? '/');
        $headers = ['Content-Type: application/json', 'Accept: application/json', 'Expect:'];
        foreach ((new Sla_vigil_signer($secret))->headers('POST', $path, $body) as $name => $value) {
            $headers[] = $name . ': ' . $value;
        }

        $ch = curl_init($url);
        curl_setopt_array($ch, [
            CURLOPT_POST              => true,
            CURLOPT_POSTFIELDS        => $body,
            CURLOPT_HTTPHEADER        => $headers,
            CURLOPT_RETURNTRANSFER    => true,
            CURLOPT_CONNECTTIMEOUT_MS => self::CONNECT_TIMEOUT_MS,
            CURLOPT_TIMEOUT_MS        => self::TIMEOUT_MS,
            CURLOPT_NOSIGNAL          => true,
            CURLOPT_FOLLOWLOCATION    => false,
        ]);
        $response = curl_exec($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        $error = curl_error($ch);
        curl_close($ch);

        if ($response === false || $status === 0) {
            self::logError($endpoint, 'service unreachable at ' . self::displayUrl($serviceUrl) . ' (' . $error . ')');

            return null;
        }
        if ($status !== 200) {
            // The body is the service's {"error": ...}; it never echoes the secret.
            self::logError($endpoint, 'service answered HTTP ' . $status . ' ' . substr((string) $response, 0, 200));

            return null;
        }
        $decoded = json_decode((string) $response, true);
        if (!is_array($decoded)) {
            self::logError($endpoint, 'the answer is not a JSON object');

            return null;
        }

        return $decoded;
    }

    /** The service URL without any user:password, for the log. */
    private static function displayUrl(string $url): string
    {
        return (string) preg_replace('#//[^/@]*@#', '//', $url);
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
