<?php

defined('BASEPATH') or exit('No direct script access allowed');

$lang['sla_vigil'] = 'SLA Vigil';
$lang['sla_vigil_service_url'] = 'URL des SLA-Vigil-Dienstes';
$lang['sla_vigil_secret'] = 'Gemeinsames Geheimnis';
$lang['sla_vigil_capability_view'] = 'Ansehen (Übersicht, Monitor, Berichte)';
$lang['sla_vigil_capability_manage'] = 'Verwalten (Einstellungen, Regeltester, Prüfprotokoll)';
$lang['sla_vigil_menu_dashboard'] = 'Übersicht';
$lang['sla_vigil_menu_monitor'] = 'Monitor';
$lang['sla_vigil_menu_reports'] = 'Berichte';
$lang['sla_vigil_menu_settings'] = 'Einstellungen';
$lang['sla_vigil_menu_rule_tester'] = 'Regeltester';
$lang['sla_vigil_menu_audit'] = 'Prüfprotokoll';
// {url} and {command} are replaced by the module; no % placeholders, _l() may run sprintf.
$lang['sla_vigil_unreachable'] = 'Der SLA-Vigil-Dienst ist unter {url} nicht erreichbar. Starten Sie ihn mit {command}.';
// The ticket list's SLA filter: the same labels as the service's states (locales/*.json).
$lang['sla_vigil_list_filter'] = 'SLA-Status';
$lang['sla_vigil_state_breached'] = 'Verletzt';
$lang['sla_vigil_state_at_risk'] = 'Gefährdet';
$lang['sla_vigil_state_on_track'] = 'Im Plan';
$lang['sla_vigil_state_paused'] = 'Pausiert';
$lang['sla_vigil_state_met'] = 'Eingehalten';
$lang['sla_vigil_state_no_policy'] = 'Keine Richtlinie';
