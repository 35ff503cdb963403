<?php

defined('BASEPATH') or exit('No direct script access allowed');

$lang['sla_vigil'] = 'SLA Vigil';
$lang['sla_vigil_service_url'] = 'URL del servicio SLA Vigil';
$lang['sla_vigil_secret'] = 'Secreto compartido';
$lang['sla_vigil_capability_view'] = 'Ver (panel, monitor, informes)';
$lang['sla_vigil_capability_manage'] = 'Gestionar (ajustes, probador de reglas, registro de auditoría)';
$lang['sla_vigil_menu_dashboard'] = 'Panel';
$lang['sla_vigil_menu_monitor'] = 'Monitor';
$lang['sla_vigil_menu_reports'] = 'Informes';
$lang['sla_vigil_menu_settings'] = 'Ajustes';
$lang['sla_vigil_menu_rule_tester'] = 'Probador de reglas';
$lang['sla_vigil_menu_audit'] = 'Registro de auditoría';
// {url} and {command} are replaced by the module; no % placeholders, _l() may run sprintf.
$lang['sla_vigil_unreachable'] = 'El servicio SLA Vigil no está disponible en {url}. Inícielo con {command}.';
// The ticket list's SLA filter: the same labels as the service's states (locales/*.json).
$lang['sla_vigil_list_filter'] = 'Estado del SLA';
$lang['sla_vigil_state_breached'] = 'Incumplido';
$lang['sla_vigil_state_at_risk'] = 'En riesgo';
$lang['sla_vigil_state_on_track'] = 'En plazo';
$lang['sla_vigil_state_paused'] = 'En pausa';
$lang['sla_vigil_state_met'] = 'Cumplido';
$lang['sla_vigil_state_no_policy'] = 'Sin política';
