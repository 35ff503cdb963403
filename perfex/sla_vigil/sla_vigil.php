<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/*
Module Name: SLA Vigil
Description: Service-level clocks, escalations and reports for tickets; forwards ticket events to the SLA Vigil service over a signed channel.
Version: 0.1.0
Requires at least: 3.0.*
*/

// Perfex require_once's this file on every request, but only for ACTIVE modules: the hooks
// below therefore forward only while the module is active, and deactivation stops them.

define('SLA_VIGIL_MODULE_NAME', 'sla_vigil');

require_once __DIR__ . '/libraries/Sla_vigil_setup.php';
require_once __DIR__ . '/libraries/Sla_vigil_forwarder.php';

register_activation_hook(SLA_VIGIL_MODULE_NAME, 'sla_vigil_activate');
register_deactivation_hook(SLA_VIGIL_MODULE_NAME, 'sla_vigil_deactivate');
register_uninstall_hook(SLA_VIGIL_MODULE_NAME, 'sla_vigil_uninstall');
register_language_files(SLA_VIGIL_MODULE_NAME, [SLA_VIGIL_MODULE_NAME]);

// Each action passes one argument (the bulk action none); never listen on 'all' (fatal in 3.3.1).
hooks()->add_action('ticket_created', 'sla_vigil_on_ticket_created', 10, 1);
hooks()->add_action('after_ticket_reply_added', 'sla_vigil_on_reply_added', 10, 1);
hooks()->add_action('after_ticket_status_changed', 'sla_vigil_on_status_changed', 10, 1);
hooks()->add_action('ticket_settings_updated', 'sla_vigil_on_settings_updated', 10, 1);
hooks()->add_action('before_do_bulk_action_for_tickets', 'sla_vigil_on_bulk_action', 10, 0);
hooks()->add_action('after_ticket_deleted', 'sla_vigil_on_ticket_deleted', 10, 1);
// register_cron_task($fn) is add_action('after_cron_run', $fn); spelled out to pin accepted_args.
hooks()->add_action('after_cron_run', 'sla_vigil_on_cron_run', 10, 1);

function sla_vigil_activate(): void
{
    Sla_vigil_setup::activate();
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
}
