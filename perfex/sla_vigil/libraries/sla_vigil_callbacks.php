<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/*
 * The functions the init file registers with Perfex. They live apart from the init file so
 * that it can be included again without redeclaring them; each is one line because the
 * payload rules live in Sla_vigil_events and the never-throw rule in Sla_vigil_forwarder.
 */

require_once __DIR__ . '/Sla_vigil_setup.php';
require_once __DIR__ . '/Sla_vigil_forwarder.php';
require_once __DIR__ . '/Sla_vigil_menu.php';
require_once __DIR__ . '/Sla_vigil_fragments.php';
require_once __DIR__ . '/Sla_vigil_host_actions.php';
require_once __DIR__ . '/Sla_vigil_list_filter.php';
require_once __DIR__ . '/Sla_vigil_mail_settings.php';
require_once __DIR__ . '/Sla_vigil_email_templates.php';

function sla_vigil_activate(): void
{
    Sla_vigil_setup::activate();
    Sla_vigil_email_templates::register();
}

function sla_vigil_deactivate(): void
{
    // Nothing to undo: Perfex stops loading this file, so forwarding stops; the options
    // stay so that reactivating keeps the pairing with the service.
}

function sla_vigil_uninstall(): void
{
    Sla_vigil_setup::uninstall();
}

function sla_vigil_on_admin_init(): void
{
    try {
        Sla_vigil_setup::rememberSiteUrl();
        Sla_vigil_menu::register();
    } catch (Throwable $e) {
        // A missing menu must not take Perfex's whole admin down with it.
        if (function_exists('log_message')) {
            log_message('error', 'SLA Vigil: could not add the menu: ' . $e->getMessage());
        }
    }
    try {
        // After an upgrade, the templates the new version adds (one option read when there are none).
        Sla_vigil_email_templates::register();
    } catch (Throwable $e) {
        if (function_exists('log_message')) {
            log_message('error', 'SLA Vigil: could not register the email templates: ' . get_class($e));
        }
    }
}

function sla_vigil_on_ticket_created(mixed $ticketId = null): void
{
    Sla_vigil_forwarder::forward('ticket_created', fn () => Sla_vigil_events::ticketCreated($ticketId));
}

function sla_vigil_on_reply_added(mixed $args = null): void
{
    Sla_vigil_forwarder::forward('after_ticket_reply_added', fn () => Sla_vigil_events::replyAdded($args));
}

function sla_vigil_on_status_changed(mixed $args = null): void
{
    Sla_vigil_forwarder::forward('after_ticket_status_changed', fn () => Sla_vigil_events::statusChanged($args));
}

function sla_vigil_on_settings_updated(mixed $args = null): void
{
    Sla_vigil_forwarder::forward('ticket_settings_updated', fn () => Sla_vigil_events::settingsUpdated($args));
}

function sla_vigil_on_bulk_action(): void
{
    // The hook fires before Perfex's bulk UPDATEs; what will change is only in the post.
    Sla_vigil_forwarder::forward('before_do_bulk_action_for_tickets', fn () => Sla_vigil_events::bulkAction($_POST));
}

function sla_vigil_on_ticket_deleted(mixed $ticketId = null): void
{
    Sla_vigil_forwarder::forward('after_ticket_deleted', fn () => Sla_vigil_events::ticketDeleted($ticketId));
}

function sla_vigil_on_cron_run(mixed $manually = false): void
{
    Sla_vigil_forwarder::forward('after_cron_run', fn () => Sla_vigil_events::cronRun($manually));
    // After the forward: the escalations' host actions, applied through Perfex (never throws).
    Sla_vigil_host_actions::applyPending();
    // Every run, after the event: the service holds Perfex's mail settings in memory only.
    Sla_vigil_mail_settings::push();
}

// Leads (PERFEX.md's Leads hooks): ids only, never the lead row. before_lead_deleted is not
// forwarded: the service ends a lead's clocks after the delete, so a failed delete keeps them.

function sla_vigil_on_lead_created(mixed $leadId = null): void
{
    Sla_vigil_forwarder::forward('lead_created', fn () => Sla_vigil_events::leadId($leadId));
}

function sla_vigil_on_lead_status_changed(mixed $args = null): void
{
    Sla_vigil_forwarder::forward('lead_status_changed', fn () => Sla_vigil_events::leadStatusChanged($args));
}

function sla_vigil_on_lead_updated(mixed $leadId = null): void
{
    Sla_vigil_forwarder::forward('after_lead_updated', fn () => Sla_vigil_events::leadId($leadId));
}

function sla_vigil_on_lead_marked_as_lost(mixed $leadId = null): void
{
    Sla_vigil_forwarder::forward('lead_marked_as_lost', fn () => Sla_vigil_events::leadId($leadId));
}

function sla_vigil_on_lead_marked_as_junk(mixed $leadId = null): void
{
    Sla_vigil_forwarder::forward('lead_marked_as_junk', fn () => Sla_vigil_events::leadId($leadId));
}

function sla_vigil_on_lead_deleted(mixed $leadId = null): void
{
    Sla_vigil_forwarder::forward('after_lead_deleted', fn () => Sla_vigil_events::leadId($leadId));
}

// Perfex's own screens (bridge-contract, addendum 2); each callback returns or prints
// nothing extra on failure, so the screen renders as if the module were absent.

function sla_vigil_collect_list_badges(mixed $rows = [], mixed $params = []): mixed
{
    return Sla_vigil_fragments::collectListBadges($rows, $params);
}

function sla_vigil_add_list_badge(mixed $row = [], mixed $aRow = []): mixed
{
    return Sla_vigil_fragments::addListBadge($row, $aRow);
}

function sla_vigil_ticket_tab_link(mixed $ticket = null): void
{
    echo Sla_vigil_fragments::tabLink(Sla_vigil_subject::ticket(), $ticket);
}

function sla_vigil_ticket_tab_pane(mixed $ticket = null): void
{
    echo Sla_vigil_fragments::tabPane(Sla_vigil_subject::ticket(), $ticket);
}

function sla_vigil_add_lead_list_badge(mixed $row = [], mixed $aRow = []): mixed
{
    return Sla_vigil_fragments::addLeadListBadge($row, $aRow);
}

// The lead modal's tab; the lead is NULL on the "new lead" form, which then gets nothing.
function sla_vigil_lead_tab_link(mixed $lead = null): void
{
    echo Sla_vigil_fragments::tabLink(Sla_vigil_subject::lead(), $lead);
}

function sla_vigil_lead_tab_pane(mixed $lead = null): void
{
    echo Sla_vigil_fragments::tabPane(Sla_vigil_subject::lead(), $lead);
}

function sla_vigil_add_dashboard_widget(mixed $widgets = []): mixed
{
    return Sla_vigil_fragments::addDashboardWidget($widgets);
}

function sla_vigil_add_list_filter(mixed $rules = []): mixed
{
    return Sla_vigil_list_filter::addRule($rules, Sla_vigil_subject::ticket());
}

function sla_vigil_add_lead_list_filter(mixed $rules = []): mixed
{
    return Sla_vigil_list_filter::addRule($rules, Sla_vigil_subject::lead());
}
