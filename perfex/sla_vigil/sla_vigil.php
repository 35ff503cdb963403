<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/*
Module Name: SLA Vigil
Description: Service-level clocks, escalations and reports for tickets and leads; forwards ticket and lead events to the SLA Vigil service over a signed channel.
Version: 0.1.0
Requires at least: 3.0.*
*/

// Perfex require_once's this file on every request, but only for ACTIVE modules: the hooks
// below therefore forward only while the module is active, and deactivation stops them.

// A second plain include (instead of require_once) must not register every hook twice,
// which would send every event twice.
if (defined('SLA_VIGIL_MODULE_NAME')) {
    return;
}
define('SLA_VIGIL_MODULE_NAME', 'sla_vigil');

require_once __DIR__ . '/libraries/sla_vigil_callbacks.php';

register_activation_hook(SLA_VIGIL_MODULE_NAME, 'sla_vigil_activate');
register_deactivation_hook(SLA_VIGIL_MODULE_NAME, 'sla_vigil_deactivate');
register_uninstall_hook(SLA_VIGIL_MODULE_NAME, 'sla_vigil_uninstall');
register_language_files(SLA_VIGIL_MODULE_NAME, [SLA_VIGIL_MODULE_NAME]);

// Capabilities and the sidebar entry; admin_init passes no argument.
hooks()->add_action('admin_init', 'sla_vigil_on_admin_init', 10, 0);

// Each action passes one argument (the bulk action none); never listen on 'all' (fatal in 3.3.1).
hooks()->add_action('ticket_created', 'sla_vigil_on_ticket_created', 10, 1);
hooks()->add_action('after_ticket_reply_added', 'sla_vigil_on_reply_added', 10, 1);
hooks()->add_action('after_ticket_status_changed', 'sla_vigil_on_status_changed', 10, 1);
hooks()->add_action('ticket_settings_updated', 'sla_vigil_on_settings_updated', 10, 1);
hooks()->add_action('before_do_bulk_action_for_tickets', 'sla_vigil_on_bulk_action', 10, 0);
hooks()->add_action('after_ticket_deleted', 'sla_vigil_on_ticket_deleted', 10, 1);
// register_cron_task($fn) is add_action('after_cron_run', $fn); spelled out to pin accepted_args.
hooks()->add_action('after_cron_run', 'sla_vigil_on_cron_run', 10, 1);

// Leads: each passes one argument, the lead id or {lead_id, old_status, new_status}.
hooks()->add_action('lead_created', 'sla_vigil_on_lead_created', 10, 1);
hooks()->add_action('lead_status_changed', 'sla_vigil_on_lead_status_changed', 10, 1);
hooks()->add_action('after_lead_updated', 'sla_vigil_on_lead_updated', 10, 1);
hooks()->add_action('lead_marked_as_lost', 'sla_vigil_on_lead_marked_as_lost', 10, 1);
hooks()->add_action('lead_marked_as_junk', 'sla_vigil_on_lead_marked_as_junk', 10, 1);
hooks()->add_action('after_lead_deleted', 'sla_vigil_on_lead_deleted', 10, 1);

// Perfex's own screens. The list filters need accepted_args 2 (PERFEX.md): the page of rows
// with the query's table (tickets or leads), then each row with its database row. No stylesheet
// is added with app_admin_head: the service's badges carry their colours inline.
hooks()->add_filter('datatables_sql_query_results', 'sla_vigil_collect_list_badges', 10, 2);
hooks()->add_filter('admin_tickets_table_row_data', 'sla_vigil_add_list_badge', 10, 2);
hooks()->add_filter('leads_table_row_data', 'sla_vigil_add_lead_list_badge', 10, 2);
hooks()->add_action('after_admin_single_ticket_tab_menu_last_item', 'sla_vigil_ticket_tab_link', 10, 1);
hooks()->add_action('after_admin_single_ticket_tab_menu_last_content', 'sla_vigil_ticket_tab_pane', 10, 1);
// The lead modal's tab: both actions pass the lead (NULL on the "new lead" form).
hooks()->add_action('after_lead_lead_tabs', 'sla_vigil_lead_tab_link', 10, 1);
hooks()->add_action('after_lead_tabs_content', 'sla_vigil_lead_tab_pane', 10, 1);
hooks()->add_filter('get_dashboard_widgets', 'sla_vigil_add_dashboard_widget', 10, 1);
// "SLA state" in the lists' own filter builders; the rules array is the filter's one argument.
hooks()->add_filter('table_tickets_rules', 'sla_vigil_add_list_filter', 10, 1);
hooks()->add_filter('table_leads_rules', 'sla_vigil_add_lead_list_filter', 10, 1);
