<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_signer.php';

/**
 * One signed JSON POST to the SLA Vigil service (bridge-contract), shared by the event
 * forwarder and the fragment client. It never throws and never follows redirects; what went
 * wrong comes back as a reason for the caller's log line, without the secret or any
 * user:password of the service URL.
 */
final class Sla_vigil_http
{
    /** Lower case, as the header callback stores names. */
    public const ANSWER_SIGNATURE_HEADER = 'x-sla-vigil-answer-signature';
    public const UNSIGNED_ANSWER = 'the answer is not signed by the SLA Vigil service';

    /**
     * @param list<string> $extraHeaders
     * @return array{status: int, body: string, failure: ?string} status 0 when no answer came;
     *     an answer without the service's signature is a failure with its status and no body
     */
    public static function signedPost(
        string $serviceUrl,
        string $secret,
        string $endpoint,
        string $body,
        int $connectTimeoutMs,
        int $timeoutMs,
        array $extraHeaders = []
    ): array {
        if ($secret === '' || $serviceUrl === '') {
            return self::failed('the options sla_vigil_service_url and sla_vigil_secret must be set (reactivate the module)');
        }
        if (!function_exists('curl_init')) {
            return self::failed('the PHP curl extension is missing');
        }
        $url = rtrim($serviceUrl, '/') . $endpoint;
        // The signature covers the path exactly as sent, including any prefix in the URL.
        $path = (string) (parse_url($url, PHP_URL_PATH) ?? '/');
        $query = parse_url($url, PHP_URL_QUERY);
        if (is_string($query) && $query !== '') {
            $path .= '?' . $query;
        }
        $headers = array_merge(['Content-Type: application/json', 'Expect:'], $extraHeaders);
        $signer = new Sla_vigil_signer($secret);
        $signed = $signer->headers('POST', $path, $body);
        foreach ($signed as $name => $value) {
            $headers[] = $name . ': ' . $value;
        }
        $answerHeaders = [];

        $ch = curl_init($url);
        curl_setopt_array($ch, [
            CURLOPT_POST              => true,
            CURLOPT_POSTFIELDS        => $body,
            CURLOPT_HTTPHEADER        => $headers,
            CURLOPT_RETURNTRANSFER    => true,
            CURLOPT_CONNECTTIMEOUT_MS => $connectTimeoutMs,
            CURLOPT_TIMEOUT_MS        => $timeoutMs,
            // With the system resolver, libcurl otherwise uses signals and fails at once on
            // timeouts under one second (the connect timeout is 500 ms).
            CURLOPT_NOSIGNAL          => true,
            CURLOPT_FOLLOWLOCATION    => false,
            CURLOPT_HEADERFUNCTION    => self::headerCollector($answerHeaders),
        ]);
        $response = curl_exec($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        $error = curl_error($ch);
        curl_close($ch);

        if ($response === false || $status === 0) {
            return self::failed('service unreachable at ' . self::displayUrl($url) . ' (' . $error . ')');
        }

        $response = (string) $response;
        if (!$signer->answerIsSigned($answerHeaders[self::ANSWER_SIGNATURE_HEADER] ?? null, $signed['X-SLA-Vigil-Nonce'], $status, $response)) {
            // Whoever listens on the URL (a local user while the service is down, anyone on the
            // path of a plain http:// URL) could answer: such an answer is never used.
            return ['status' => $status, 'body' => '', 'failure' => self::UNSIGNED_ANSWER . ' (HTTP ' . $status . ' from ' . self::displayUrl($url) . ')'];
        }

        return ['status' => $status, 'body' => $response, 'failure' => null];
    }

    /**
     * A CURLOPT_HEADERFUNCTION that fills $headers (lower-case names, the last value wins);
     * a new status line (after a 100 Continue) starts over.
     *
     * @param array<string, string> $headers
     */
    public static function headerCollector(array &$headers): Closure
    {
        return function ($ch, string $line) use (&$headers): int {
            if (preg_match('#^HTTP/\S+\s+\d{3}#', $line) === 1) {
                $headers = [];
            } elseif (str_contains($line, ':')) {
                [$name, $value] = explode(':', $line, 2);
                $headers[strtolower(trim($name))] = trim($value);
            }

            return strlen($line);
        };
    }

    /**
     * A signed POST whose use is a JSON object answered with 200 (fragments, host actions):
     * the object, or why there is none (unreachable, unsigned, another status, not an object).
     *
     * @param list<string> $extraHeaders
     * @return array{json: ?array, failure: ?string}
     */
    public static function signedJsonPost(
        string $serviceUrl,
        string $secret,
        string $endpoint,
        string $body,
        int $connectTimeoutMs,
        int $timeoutMs
    ): array {
        $answer = self::signedPost($serviceUrl, $secret, $endpoint, $body, $connectTimeoutMs, $timeoutMs, ['Accept: application/json']);
        if ($answer['failure'] !== null) {
            return ['json' => null, 'failure' => $answer['failure']];
        }
        if ($answer['status'] !== 200) {
            // The body is the service's {"error": ...}; it never echoes the secret.
            return ['json' => null, 'failure' => 'service answered HTTP ' . $answer['status'] . ' ' . substr($answer['body'], 0, 200)];
        }
        $decoded = json_decode($answer['body'], true);

        return is_array($decoded)
            ? ['json' => $decoded, 'failure' => null]
            : ['json' => null, 'failure' => 'the answer is not a JSON object'];
    }

    /** @return array{status: int, body: string, failure: string} */
    private static function failed(string $reason): array
    {
        return ['status' => 0, 'body' => '', 'failure' => $reason];
    }

    /**
     * The URL without any user:password (parse_url takes a password containing "@" whole) and
     * without its query, for messages and logs.
     */
    public static function displayUrl(string $url): string
    {
        $parts = parse_url($url);
        if (!is_array($parts) || !isset($parts['host'])) {
            return $url === '' ? '(not set)' : (string) preg_replace('#//[^/]*@#', '//', $url);
        }

        return ($parts['scheme'] ?? 'http') . '://' . $parts['host'] . (isset($parts['port']) ? ':' . $parts['port'] : '') . ($parts['path'] ?? '');
    }
}
