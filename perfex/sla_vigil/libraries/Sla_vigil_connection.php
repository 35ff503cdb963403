<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_http.php';

/**
 * The module's one setting that lives in Perfex: where the SLA Vigil service listens. The page
 * that edits it is rendered by PHP (not proxied), because it is needed most when the service
 * cannot be reached; it checks the pairing with one signed call to the service's ping.
 */
final class Sla_vigil_connection
{
    public const OPTION = 'sla_vigil_service_url';
    private const MAX_LENGTH = 255;

    /**
     * Why a submitted service URL is refused (a language key), or null when it is usable:
     * http(s) with a host, no user:password (it would end up in logs), no query or fragment.
     */
    public static function problem(string $url): ?string
    {
        if ($url === '') {
            return 'sla_vigil_connection_url_required';
        }
        if (strlen($url) > self::MAX_LENGTH || preg_match('/[\s\x00-\x1f\x7f]/', $url) === 1) {
            return 'sla_vigil_connection_url_invalid';
        }
        $parts = parse_url($url);
        if (!is_array($parts) || !isset($parts['scheme'], $parts['host']) || $parts['host'] === '') {
            return 'sla_vigil_connection_url_invalid';
        }
        if (!in_array(strtolower($parts['scheme']), ['http', 'https'], true)) {
            return 'sla_vigil_connection_url_scheme';
        }
        if (isset($parts['user']) || isset($parts['pass'])) {
            return 'sla_vigil_connection_url_credentials';
        }
        if (isset($parts['query']) || isset($parts['fragment'])) {
            return 'sla_vigil_connection_url_invalid';
        }

        return null;
    }

    /**
     * One signed ping: `connected` (with the service's version), `refused` (it answers but not
     * to this secret: another Perfex database, or the service runs against another one) or
     * `unreachable` (with the reason, never the secret).
     *
     * @return array{state: string, detail: string}
     */
    public static function check(string $serviceUrl, string $secret): array
    {
        $answer = Sla_vigil_http::signedPost($serviceUrl, $secret, '/bridge/ping', '{}', 500, 1500);
        // The service's refusal of the signature is itself unsigned (it has no admitted nonce):
        // only its status is used, to tell a wrong secret from a service that is not there.
        if (in_array($answer['status'], [401, 503], true)) {
            return ['state' => 'refused', 'detail' => 'HTTP ' . $answer['status']];
        }
        if ($answer['failure'] !== null) {
            return ['state' => 'unreachable', 'detail' => $answer['failure']];
        }
        if ($answer['status'] === 200) {
            $body = json_decode($answer['body'], true);
            $version = is_array($body) && is_string($body['version'] ?? null) ? $body['version'] : '';

            return ['state' => 'connected', 'detail' => $version];
        }

        return ['state' => 'unreachable', 'detail' => 'HTTP ' . $answer['status']];
    }
}
