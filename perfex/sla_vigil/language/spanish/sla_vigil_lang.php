<?php

defined('BASEPATH') or exit('No direct script access allowed');

$lang['sla_vigil'] = 'SLA Vigil';
$lang['sla_vigil_service_url'] = 'URL del servicio SLA Vigil';
$lang['sla_vigil_secret'] = 'Secreto compartido';
$lang['sla_vigil_capability_view_own'] = 'Ver propios (insignia SLA, pestaña SLA y Mis riesgos de SLA en los tickets que pueden abrir y los leads asignados a ellos)';
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
$lang['sla_vigil_connection'] = 'Servicio SLA Vigil';
$lang['sla_vigil_connection_connected'] = 'Conectado: el servicio responde a esta instalación.';
$lang['sla_vigil_connection_refused'] = 'El servicio responde pero rechaza esta instalación: lee otra base de datos (el secreto es distinto) o su reloj difiere en más de 5 minutos.';
$lang['sla_vigil_connection_unreachable'] = 'El servicio no es accesible en esta URL. Inícielo con npx sla-vigil serve junto a Perfex.';
$lang['sla_vigil_connection_help'] = 'Dónde escucha el servicio SLA Vigil, tal como lo alcanza el servidor de Perfex (por defecto http://127.0.0.1:3000). El servicio lee el secreto compartido de esta base de datos; nunca se muestra.';
$lang['sla_vigil_connection_save'] = 'Guardar';
$lang['sla_vigil_connection_saved'] = 'Se guardó la URL del servicio SLA Vigil.';
$lang['sla_vigil_connection_url_required'] = 'Introduzca la URL del servicio.';
$lang['sla_vigil_connection_url_invalid'] = 'No es una URL como http://127.0.0.1:3000 (sin espacios, consulta ni fragmento; 255 caracteres como máximo).';
$lang['sla_vigil_connection_url_scheme'] = 'La URL del servicio debe empezar por http:// o https://.';
$lang['sla_vigil_connection_url_credentials'] = 'No ponga usuarios ni contraseñas en la URL: las peticiones se firman con el secreto compartido.';
// The ticket list's SLA filter: the same labels as the service's states (locales/*.json).
$lang['sla_vigil_list_filter'] = 'Estado del SLA';
$lang['sla_vigil_state_breached'] = 'Incumplido (tickets abiertos)';
$lang['sla_vigil_state_at_risk'] = 'En riesgo (tickets abiertos)';
$lang['sla_vigil_state_on_track'] = 'En plazo (tickets abiertos)';
$lang['sla_vigil_state_paused'] = 'En pausa (tickets abiertos)';
$lang['sla_vigil_state_met'] = 'Cumplido';
$lang['sla_vigil_state_no_policy'] = 'Sin política';
// The lead list's SLA filter: the same labels as the service's lead states (locales/*.json lead_list_filter).
$lang['sla_vigil_lead_state_breached'] = 'Incumplido (leads abiertos)';
$lang['sla_vigil_lead_state_at_risk'] = 'En riesgo (leads abiertos)';
$lang['sla_vigil_lead_state_on_track'] = 'En plazo (leads abiertos)';
$lang['sla_vigil_lead_state_paused'] = 'En pausa (leads abiertos)';
$lang['sla_vigil_lead_state_met'] = 'Cumplido';
$lang['sla_vigil_lead_state_no_policy'] = 'Sin política';
$lang['sla_vigil_connection_not_from_perfex'] = 'No se guardó nada: este formulario no procede de esta página de Perfex. Vuelva a abrir la página y guarde desde allí.';
// Names of the module's templates under Setup > Email Templates (Sla_vigil_email_templates).
$lang['sla_vigil_email_template_escalation_ticket'] = 'SLA Vigil: escalado de ticket';
$lang['sla_vigil_email_template_escalation_lead'] = 'SLA Vigil: escalado de lead';
$lang['sla_vigil_email_template_digest_daily'] = 'SLA Vigil: resumen diario';
$lang['sla_vigil_email_template_digest_weekly'] = 'SLA Vigil: resumen semanal';
