<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/**
 * Capabilities and the sidebar entry, registered on `admin_init` (every admin request).
 * The controller refuses everyone without `view` at the door (but for the assets the
 * fragments load), so the whole entry needs `view`; the manage pages additionally need
 * `manage`. `view_own` gives no menu entry: only the badge, the ticket's SLA tab and
 * "My SLA risks" (Sla_vigil_fragments). Admins pass every staff_can().
 */
final class Sla_vigil_menu
{
    public const FEATURE = 'sla_vigil';

    /** [slug, language key, path under admin_url(), capability], in menu order. */
    public const PAGES = [
        ['sla_vigil_dashboard', 'sla_vigil_menu_dashboard', 'sla_vigil', 'view'],
        ['sla_vigil_monitor', 'sla_vigil_menu_monitor', 'sla_vigil/monitor', 'view'],
        ['sla_vigil_reports', 'sla_vigil_menu_reports', 'sla_vigil/reports', 'view'],
        ['sla_vigil_settings', 'sla_vigil_menu_settings', 'sla_vigil/settings', 'manage'],
        ['sla_vigil_rule_tester', 'sla_vigil_menu_rule_tester', 'sla_vigil/rule-tester', 'manage'],
        ['sla_vigil_audit', 'sla_vigil_menu_audit', 'sla_vigil/audit', 'manage'],
    ];

    public static function register(): void
    {
        register_staff_capabilities(self::FEATURE, [
            'capabilities' => [
                'view_own' => _l('sla_vigil_capability_view_own'),
                'view'     => _l('sla_vigil_capability_view'),
                'manage'   => _l('sla_vigil_capability_manage'),
            ],
        ], _l('sla_vigil'));

        $menu = get_instance()->app_menu;
        if (is_admin()) {
            // Setup > SLA Vigil service: where the service listens and whether it answers.
            $menu->add_setup_menu_item('sla_vigil_connection', [
                'name'     => _l('sla_vigil_connection'),
                'href'     => admin_url('sla_vigil/connection'),
                'position' => 65,
            ]);
        }
        if (!staff_can('view', self::FEATURE)) {
            return;
        }
        $menu->add_sidebar_menu_item(self::FEATURE, [
            'name'     => _l('sla_vigil'),
            'href'     => admin_url('sla_vigil'),
            'icon'     => 'fa fa-clock',
            'position' => 31,
        ]);
        $position = 1;
        foreach (self::PAGES as [$slug, $label, $path, $capability]) {
            if ($capability === 'view' || staff_can($capability, self::FEATURE)) {
                $menu->add_sidebar_children_item(self::FEATURE, [
                    'slug'     => $slug,
                    'name'     => _l($label),
                    'href'     => admin_url($path),
                    'position' => $position,
                ]);
            }
            $position++;
        }
    }
}
