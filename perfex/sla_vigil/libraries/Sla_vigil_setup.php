<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/** Options the module owns in Perfex's options table, created on activation. */
final class Sla_vigil_setup
{
    public const OPTIONS = ['sla_vigil_service_url', 'sla_vigil_secret', self::SITE_URL];

    /** Perfex's base URL for the service's links in emails (it cannot ask Perfex itself). */
    public const SITE_URL = 'sla_vigil_site_url';

    /**
     * add_option never overwrites, so reactivating keeps the pairing with the service:
     * the secret is the one the service already reads from the same database.
     */
    public static function activate(): void
    {
        add_option('sla_vigil_service_url', 'http://127.0.0.1:3000', 0);
        add_option('sla_vigil_secret', bin2hex(random_bytes(32)), 0);
        self::rememberSiteUrl();
    }

    /**
     * Keeps the option current with admin_url() without its `admin/` (so a Perfex in a
     * sub-folder is right); called on every admin request, written only when it changed.
     * Autoloaded, so reading it costs Perfex no query.
     */
    public static function rememberSiteUrl(): void
    {
        $base = (string) preg_replace('#/admin$#', '', rtrim((string) admin_url(), '/'));
        if ((string) get_option(self::SITE_URL) === $base) {
            return;
        }
        add_option(self::SITE_URL, $base, 1); // creates it; never overwrites
        update_option(self::SITE_URL, $base);
    }

    /**
     * Uninstall removes the options and every table of the module (the service creates them
     * with the prefix `<db_prefix>sla_vigil_`, its migrations table included); Perfex's own
     * tables are never touched. Perfex has no documented delete_option, so go through the db.
     */
    public static function uninstall(): void
    {
        $CI = &get_instance();
        foreach (self::OPTIONS as $name) {
            $CI->db->where('name', $name);
            $CI->db->delete(db_prefix() . 'options');
        }
        // The grants of the module's capabilities (rows of staff_permissions, PERFEX.md).
        $CI->db->where('feature', 'sla_vigil');
        $CI->db->delete(db_prefix() . 'staff_permissions');
        foreach (self::moduleTables($CI->db->list_tables()) as $table) {
            $CI->db->query('DROP TABLE IF EXISTS `' . $table . '`');
        }
    }

    /**
     * The module's tables among these: exactly the prefix, compared as bytes (a LIKE pattern
     * would read `_` as a wildcard), and only plain names, since they are quoted into DDL.
     *
     * @param array<mixed> $tables
     * @return list<string>
     */
    public static function moduleTables(array $tables): array
    {
        $prefix = db_prefix() . 'sla_vigil_';
        $ours = [];
        foreach ($tables as $table) {
            if (is_string($table) && str_starts_with($table, $prefix) && preg_match('/^[A-Za-z0-9_]+$/', $table) === 1) {
                $ours[] = $table;
            }
        }

        return $ours;
    }
}
