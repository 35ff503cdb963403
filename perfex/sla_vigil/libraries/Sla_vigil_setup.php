<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/** Options the module owns in Perfex's options table, created on activation. */
final class Sla_vigil_setup
{
    public const OPTIONS = ['sla_vigil_service_url', 'sla_vigil_secret'];

    /**
     * add_option never overwrites, so reactivating keeps the pairing with the service:
     * the secret is the one the service already reads from the same database.
     */
    public static function activate(): void
    {
        add_option('sla_vigil_service_url', 'http://127.0.0.1:3000', 0);
        add_option('sla_vigil_secret', bin2hex(random_bytes(32)), 0);
    }

    /** Uninstall removes the options. Perfex has no documented delete_option, so go through the db. */
    public static function uninstall(): void
    {
        $CI = &get_instance();
        foreach (self::OPTIONS as $name) {
            $CI->db->where('name', $name);
            $CI->db->delete(db_prefix() . 'options');
        }
    }
}
