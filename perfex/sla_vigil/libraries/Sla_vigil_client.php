<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_signer.php';

/**
 * Posts signed JSON to the SLA Vigil service. It runs inside the staff member's or
 * client's own Perfex request, so it must be short and must never throw: a lost event is
 * repaired by the service's reconcile scan, a broken Perfex page is not repairable.
 */
final class Sla_vigil_client
{
    private const CONNECT_TIMEOUT_MS = 500;
    private const TIMEOUT_MS = 1000;

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
        if ($this->secret === '' || $this->serviceUrl === '') {
            self::logError($what, 'the options sla_vigil_service_url and sla_vigil_secret must be set (reactivate the module)');

            return false;
        }
        if (!function_exists('curl_init')) {
            self::logError($what, 'the PHP curl extension is missing');

            return false;
        }
        $url = rtrim($this->serviceUrl, '/') . $endpoint;
        // The signature covers the path exactly as sent, including any prefix in the URL.
        $path = (string) (parse_url($url, PHP_URL_PATH) ?? '/');
        $query = parse_url($url, PHP_URL_QUERY);
        if (is_string($query) && $query !== '') {
            $path .= '?' . $query;
        }

        $headers = ['Content-Type: application/json', 'Expect:'];
        foreach ((new Sla_vigil_signer($this->secret))->headers('POST', $path, $body) as $name => $value) {
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
            // With the system resolver, libcurl otherwise uses signals and fails at once on
            // timeouts under one second (the connect timeout is 500 ms).
            CURLOPT_NOSIGNAL          => true,
            CURLOPT_FOLLOWLOCATION    => false,
        ]);
        $response = curl_exec($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        $error = curl_error($ch);
        curl_close($ch);

        if ($response === false) {
            self::logError($what, 'service unreachable at ' . $url . ' (' . $error . ')');

            return false;
        }
        if ($status < 200 || $status >= 300) {
            // The body is the service's {"error": ...}; it never echoes the secret.
            self::logError($what, 'service answered HTTP ' . $status . ' ' . substr((string) $response, 0, 200));

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
