<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/**
 * Where Perfex's admin lives on its site: the path of admin_url() (`/admin/` at the web root,
 * `/crm/admin/` for a Perfex in a sub-folder). It travels with every signed request for a page
 * or a fragment, so the service renders its links under it, and it turns the service's redirect
 * targets back into admin_url() arguments. Pure apart from admin_url(), and never throws.
 */
final class Sla_vigil_admin_base
{
    public const DEFAULT = '/admin/';

    /** The admin base path of this Perfex, in the form the service accepts. */
    public static function current(): string
    {
        try {
            return self::fromUrl(function_exists('admin_url') ? (string) admin_url() : '');
        } catch (Throwable $e) {
            return self::DEFAULT;
        }
    }

    /**
     * `https://example.com/crm/admin/` -> `/crm/admin/`: `.`, `..` (also %-encoded) and empty
     * segments resolved as a browser would, each segment %-encoded, `/` at both ends; `/admin/`
     * when the URL has no path.
     */
    public static function fromUrl(string $adminUrl): string
    {
        $path = parse_url($adminUrl, PHP_URL_PATH);
        if (!is_string($path) || $path === '') {
            return self::DEFAULT;
        }
        $segments = [];
        foreach (explode('/', $path) as $segment) {
            $segment = rawurldecode($segment);
            if ($segment === '..') {
                array_pop($segments);
            } elseif ($segment !== '' && $segment !== '.') {
                $segments[] = rawurlencode($segment);
            }
        }

        return $segments === [] ? '/' : '/' . implode('/', $segments) . '/';
    }

    /**
     * A redirect target the service rendered under `$base` (`/crm/admin/sla_vigil/x?y`) as the
     * argument admin_url() takes (`sla_vigil/x?y`); null when it is not one of the module's pages
     * under that base (an absolute URL, another part of the admin).
     */
    public static function modulePath(string $location, string $base): ?string
    {
        if (!str_starts_with($location, $base)) {
            return null;
        }
        $rest = substr($location, strlen($base));

        return preg_match('#^sla_vigil(?:[/?\#].*)?$#s', $rest) === 1 ? $rest : null;
    }
}
