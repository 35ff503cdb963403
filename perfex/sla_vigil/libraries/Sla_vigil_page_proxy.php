<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_page_request.php';
require_once __DIR__ . '/Sla_vigil_http.php';

/**
 * Forwards one admin page request to the service and says what Perfex must answer:
 *   ['kind' => 'fragment', 'status', 'html', 'title']  wrap in Perfex's admin layout
 *   ['kind' => 'redirect', 'path']                      redirect(admin_url(path))
 *   ['kind' => 'pass', 'status', 'headers', 'body']     send as is (CSV, JSON, assets)
 *   ['kind' => 'unavailable', 'url']                    localised 502 page
 *   ['kind' => 'method_not_allowed']                    405, nothing forwarded
 * Only an answer signed by the service for this request's nonce is used; any other is
 * treated as no answer (502), since its HTML goes unescaped into Perfex's admin.
 * Never throws: a staff member must get a Perfex page, never a PHP error.
 */
final class Sla_vigil_page_proxy
{
    private const CONNECT_TIMEOUT_MS = 500;
    private const TIMEOUT_MS = 5000;
    /** The answer headers passed through to the browser (lower case). */
    public const PASSED_HEADERS = ['content-type', 'content-disposition', 'cache-control', 'x-sla-vigil-updated', 'x-sla-vigil-total'];
    /**
     * CodeIgniter checks its CSRF token on POST only, and the service takes a forwarded request
     * as vouched for: a PUT, DELETE or PATCH would reach it unchecked, so none is forwarded.
     */
    public const FORWARDED_METHODS = ['GET', 'HEAD', 'POST'];

    /**
     * @param array{method: string, rest: string, query: string, body: string, content_type: string} $browser
     * @param array{staff: int, lang: string, csrf_name: string, csrf_hash: string, base?: string} $identity
     * @return array<string, mixed>
     */
    public static function answer(string $serviceUrl, string $secret, array $browser, array $identity): array
    {
        try {
            if (!in_array(strtoupper($browser['method']), self::FORWARDED_METHODS, true)) {
                return ['kind' => 'method_not_allowed'];
            }
            if ($serviceUrl === '' || $secret === '') {
                self::logError('the options sla_vigil_service_url and sla_vigil_secret must be set (reactivate the module)');

                return ['kind' => 'unavailable', 'url' => Sla_vigil_http::displayUrl($serviceUrl)];
            }
            $request = Sla_vigil_page_request::build(
                $serviceUrl,
                $secret,
                $browser['method'],
                $browser['rest'],
                $browser['query'],
                $browser['body'],
                $browser['content_type'],
                $identity
            );

            return self::classify(self::send($request, $secret), $serviceUrl, $identity['base'] ?? Sla_vigil_admin_base::DEFAULT);
        } catch (Throwable $e) {
            self::logError(get_class($e) . ': ' . $e->getMessage());

            return ['kind' => 'unavailable', 'url' => Sla_vigil_http::displayUrl($serviceUrl)];
        }
    }

    /**
     * @param array{method: string, url: string, path: string, body: string, headers: list<string>, nonce: string} $request
     * @return array{status: int, headers: array<string, string>, body: string}|null null when unreachable
     *     or when the answer is not signed with $secret for the request's nonce
     */
    public static function send(array $request, string $secret): ?array
    {
        if (!function_exists('curl_init')) {
            self::logError('the PHP curl extension is missing');

            return null;
        }
        $headers = [];
        $ch = curl_init($request['url']);
        $options = [
            CURLOPT_CUSTOMREQUEST     => $request['method'],
            CURLOPT_HTTPHEADER        => $request['headers'],
            CURLOPT_RETURNTRANSFER    => true,
            CURLOPT_CONNECTTIMEOUT_MS => self::CONNECT_TIMEOUT_MS,
            CURLOPT_TIMEOUT_MS        => self::TIMEOUT_MS,
            CURLOPT_NOSIGNAL          => true,
            // A 303 is for the browser (through redirect(admin_url(...))), never for curl.
            CURLOPT_FOLLOWLOCATION    => false,
            CURLOPT_HEADERFUNCTION    => Sla_vigil_http::headerCollector($headers),
        ];
        if ($request['method'] === 'HEAD') {
            $options[CURLOPT_NOBODY] = true;
        } elseif ($request['body'] !== '' || !in_array($request['method'], ['GET', 'DELETE'], true)) {
            $options[CURLOPT_POSTFIELDS] = $request['body'];
        }
        curl_setopt_array($ch, $options);
        $body = curl_exec($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        $error = curl_error($ch);
        curl_close($ch);

        if ($body === false || $status === 0) {
            self::logError('service unreachable at ' . Sla_vigil_http::displayUrl($request['url']) . ' (' . $error . ')');

            return null;
        }
        $body = (string) $body;
        if (!(new Sla_vigil_signer($secret))->answerIsSigned(
            $headers[Sla_vigil_http::ANSWER_SIGNATURE_HEADER] ?? null,
            $request['nonce'],
            $status,
            $body
        )) {
            self::logError(Sla_vigil_http::UNSIGNED_ANSWER . ' (HTTP ' . $status . ' from ' . Sla_vigil_http::displayUrl($request['url']) . ')');

            return null;
        }

        return ['status' => $status, 'headers' => $headers, 'body' => $body];
    }

    /**
     * @param array{status: int, headers: array<string, string>, body: string}|null $response
     * @return array<string, mixed>
     */
    public static function classify(?array $response, string $serviceUrl, string $adminBase = Sla_vigil_admin_base::DEFAULT): array
    {
        $unavailable = ['kind' => 'unavailable', 'url' => Sla_vigil_http::displayUrl($serviceUrl)];
        if ($response === null) {
            return $unavailable;
        }
        $status = $response['status'];
        $headers = $response['headers'];
        if ($status === 401 || $status >= 500) {
            // 401 means the pairing is broken (another secret); the body is {"error": reason}.
            self::logError('service answered HTTP ' . $status . ' ' . substr($response['body'], 0, 200));

            return $unavailable;
        }
        // The contract says 303; other redirects are treated alike rather than sent to the
        // browser without their Location (which is not a passed header).
        if (in_array($status, [301, 302, 303, 307, 308], true)) {
            return ['kind' => 'redirect', 'path' => self::adminPath($headers['location'] ?? '', $adminBase)];
        }
        if (($headers['x-sla-vigil-fragment'] ?? '') === '1') {
            return [
                'kind'   => 'fragment',
                'status' => $status,
                'html'   => $response['body'],
                'title'  => rawurldecode($headers['x-sla-vigil-title'] ?? ''),
            ];
        }

        return [
            'kind'    => 'pass',
            'status'  => $status,
            'headers' => array_intersect_key($headers, array_flip(self::PASSED_HEADERS)),
            'body'    => $response['body'],
        ];
    }

    /**
     * `/admin/sla_vigil/x?y` -> `sla_vigil/x?y` for admin_url() (the service renders the target
     * under the admin base it was sent: `/crm/admin/sla_vigil/x?y` for a Perfex in `/crm/`).
     * Anything else (an absolute URL, a path outside the module) is not followed: the staff
     * member lands on the dashboard.
     */
    public static function adminPath(string $location, string $adminBase = Sla_vigil_admin_base::DEFAULT): string
    {
        $path = Sla_vigil_admin_base::modulePath($location, $adminBase);
        if ($path !== null) {
            return $path;
        }
        self::logError('ignored a redirect outside the module: ' . substr($location, 0, 200));

        return 'sla_vigil';
    }

    private static function logError(string $reason): void
    {
        if (function_exists('log_message')) {
            log_message('error', 'SLA Vigil: could not show the page: ' . $reason);
        }
    }
}
