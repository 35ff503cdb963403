<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_signer.php';
require_once __DIR__ . '/Sla_vigil_admin_base.php';

/**
 * Builds the signed request that forwards one admin page request to the service
 * (bridge-contract, addendum "module pages inside Perfex"). Pure: no Perfex call and no
 * I/O, so the exact PATH and signature can be tested without CodeIgniter.
 */
final class Sla_vigil_page_request
{
    public const PAGE_PREFIX = '/admin/sla_vigil';
    private const OWN_PREFIX = '_sv_';

    /**
     * The part of the admin URL after `sla_vigil`. CodeIgniter's raw URI segments are
     * preferred because _remap's $method may have had its dashes translated (`rule-tester`
     * -> `rule_tester`) depending on the router's translate_uri_dashes; $method/$params is
     * the fallback when the segments are not available.
     *
     * @param list<string>|array<int, string> $uriSegments
     * @param list<string>|array<int, string> $params
     */
    public static function rest(array $uriSegments, string $method, array $params): string
    {
        $segments = array_values(array_map('strval', $uriSegments));
        $at = array_search('sla_vigil', $segments, true);
        if ($at !== false) {
            $parts = array_slice($segments, $at + 1);
        } else {
            $parts = ($method === 'index' && $params === []) ? [] : array_merge([$method], array_values(array_map('strval', $params)));
        }
        $parts = array_filter($parts, fn (string $part) => $part !== '');

        return implode('/', array_map(fn (string $part) => rawurlencode(rawurldecode($part)), $parts));
    }

    /**
     * The browser's query string without any `_sv_*` parameter (names compared after
     * decoding, case-insensitively, `_sv_staff[]` included), other pairs kept byte for byte.
     */
    public static function dropOwnParameters(string $query): string
    {
        $kept = [];
        foreach (explode('&', $query) as $pair) {
            if ($pair === '') {
                continue;
            }
            $name = urldecode(explode('=', $pair, 2)[0]);
            if (stripos(ltrim($name), self::OWN_PREFIX) === 0) {
                continue;
            }
            $kept[] = $pair;
        }

        return implode('&', $kept);
    }

    /**
     * PATH (signed, exactly as sent): the page path, then the browser's query without its
     * `_sv_*` parameters, then ours. Because the whole PATH is signed, nobody between the
     * browser and the service can change who the staff member is.
     *
     * @param array{staff: int, lang: string, csrf_name: string, csrf_hash: string, base?: string} $identity
     */
    public static function path(string $rest, string $browserQuery, array $identity): string
    {
        $own = implode('&', [
            '_sv_staff=' . rawurlencode((string) $identity['staff']),
            '_sv_lang=' . rawurlencode($identity['lang']),
            '_sv_csrf_name=' . rawurlencode($identity['csrf_name']),
            '_sv_csrf_hash=' . rawurlencode($identity['csrf_hash']),
            // Perfex's admin base path: the service renders the page's links under it.
            '_sv_base=' . rawurlencode($identity['base'] ?? Sla_vigil_admin_base::DEFAULT),
        ]);
        $query = self::dropOwnParameters($browserQuery);

        return self::PAGE_PREFIX . ($rest === '' ? '' : '/' . $rest) . '?' . ($query === '' ? $own : $query . '&' . $own);
    }

    /**
     * The full request for the client. A path prefix in the service URL (a service behind
     * a reverse proxy) is part of what is sent, so it is part of what is signed.
     *
     * @param array{staff: int, lang: string, csrf_name: string, csrf_hash: string, base?: string} $identity
     * @return array{method: string, url: string, path: string, body: string, headers: list<string>, nonce: string}
     */
    public static function build(
        string $serviceUrl,
        string $secret,
        string $method,
        string $rest,
        string $browserQuery,
        string $body,
        string $contentType,
        array $identity,
        ?int $timestamp = null,
        ?string $nonce = null
    ): array {
        $method = strtoupper($method);
        $base = rtrim($serviceUrl, '/');
        $prefix = rtrim((string) (parse_url($base, PHP_URL_PATH) ?? ''), '/');
        $path = self::path($rest, $browserQuery, $identity);
        $headers = ['Expect:'];
        if ($body !== '' || $contentType !== '') {
            $headers[] = 'Content-Type: ' . ($contentType !== '' ? $contentType : 'application/octet-stream');
        }
        $signed = (new Sla_vigil_signer($secret))->headers($method, $prefix . $path, $body, $timestamp, $nonce);
        foreach ($signed as $name => $value) {
            $headers[] = $name . ': ' . $value;
        }

        return [
            'method'  => $method,
            'url'     => $base . $path,
            'path'    => $prefix . $path,
            'body'    => $body,
            'headers' => $headers,
            // The service signs its answer for this nonce; send() checks it.
            'nonce'   => $signed['X-SLA-Vigil-Nonce'],
        ];
    }
}
