<?php

defined('BASEPATH') or exit('No direct script access allowed');

$lang['sla_vigil'] = 'SLA Vigil';
$lang['sla_vigil_service_url'] = 'SLA Vigil service URL';
$lang['sla_vigil_secret'] = 'Shared secret';
$lang['sla_vigil_capability_view'] = 'View (dashboard, monitor, reports)';
$lang['sla_vigil_capability_manage'] = 'Manage (settings, rule tester, audit log)';
$lang['sla_vigil_menu_dashboard'] = 'Dashboard';
$lang['sla_vigil_menu_monitor'] = 'Monitor';
$lang['sla_vigil_menu_reports'] = 'Reports';
$lang['sla_vigil_menu_settings'] = 'Settings';
$lang['sla_vigil_menu_rule_tester'] = 'Rule tester';
$lang['sla_vigil_menu_audit'] = 'Audit log';
// {url} and {command} are replaced by the module; no % placeholders, _l() may run sprintf.
$lang['sla_vigil_unreachable'] = 'The SLA Vigil service is not reachable at {url}. Start it with {command}.';
// The ticket list's SLA filter: the same labels as the service's states (locales/*.json).
$lang['sla_vigil_list_filter'] = 'SLA state';
$lang['sla_vigil_state_breached'] = 'Breached';
$lang['sla_vigil_state_at_risk'] = 'At risk';
$lang['sla_vigil_state_on_track'] = 'On track';
$lang['sla_vigil_state_paused'] = 'Paused';
$lang['sla_vigil_state_met'] = 'Met';
$lang['sla_vigil_state_no_policy'] = 'No policy';
