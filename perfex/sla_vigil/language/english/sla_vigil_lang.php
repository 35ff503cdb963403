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
