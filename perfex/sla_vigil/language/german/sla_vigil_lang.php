<?php

defined('BASEPATH') or exit('No direct script access allowed');

$lang['sla_vigil'] = 'SLA Vigil';
$lang['sla_vigil_service_url'] = 'URL des SLA-Vigil-Dienstes';
$lang['sla_vigil_secret'] = 'Gemeinsames Geheimnis';
$lang['sla_vigil_capability_view_own'] = 'Eigene ansehen (SLA-Badge, SLA-Reiter und Meine SLA-Risiken für die Tickets, die sie öffnen dürfen, und die ihnen zugewiesenen Leads)';
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
$lang['sla_vigil_connection'] = 'SLA-Vigil-Dienst';
$lang['sla_vigil_connection_connected'] = 'Verbunden: Der Dienst antwortet dieser Installation.';
$lang['sla_vigil_connection_refused'] = 'Der Dienst antwortet, lehnt diese Installation aber ab: Er liest eine andere Datenbank (das Geheimnis unterscheidet sich), oder seine Uhr weicht um mehr als 5 Minuten ab.';
$lang['sla_vigil_connection_unreachable'] = 'Der Dienst ist unter dieser URL nicht erreichbar. Starten Sie ihn mit npx sla-vigil serve neben Perfex.';
$lang['sla_vigil_connection_help'] = 'Wo der SLA-Vigil-Dienst lauscht, so wie Perfex\' Server ihn erreicht (Standard http://127.0.0.1:3000). Das gemeinsame Geheimnis liest der Dienst aus dieser Datenbank; es wird nie angezeigt.';
$lang['sla_vigil_connection_save'] = 'Speichern';
$lang['sla_vigil_connection_saved'] = 'Die URL des SLA-Vigil-Dienstes wurde gespeichert.';
$lang['sla_vigil_connection_url_required'] = 'Geben Sie die URL des Dienstes ein.';
$lang['sla_vigil_connection_url_invalid'] = 'Das ist keine URL wie http://127.0.0.1:3000 (keine Leerzeichen, keine Abfrage, kein Fragment; höchstens 255 Zeichen).';
$lang['sla_vigil_connection_url_scheme'] = 'Die URL des Dienstes muss mit http:// oder https:// beginnen.';
$lang['sla_vigil_connection_url_credentials'] = 'Lassen Sie Benutzernamen und Passwörter aus der URL weg: Anfragen werden mit dem gemeinsamen Geheimnis signiert.';
// The ticket list's SLA filter: the same labels as the service's states (locales/*.json).
$lang['sla_vigil_list_filter'] = 'SLA-Status';
$lang['sla_vigil_state_breached'] = 'Verletzt (offene Tickets)';
$lang['sla_vigil_state_at_risk'] = 'Gefährdet (offene Tickets)';
$lang['sla_vigil_state_on_track'] = 'Im Plan (offene Tickets)';
$lang['sla_vigil_state_paused'] = 'Pausiert (offene Tickets)';
$lang['sla_vigil_state_met'] = 'Eingehalten';
$lang['sla_vigil_state_no_policy'] = 'Keine Richtlinie';
// The lead list's SLA filter: the same labels as the service's lead states (locales/*.json lead_list_filter).
$lang['sla_vigil_lead_state_breached'] = 'Verletzt (offene Leads)';
$lang['sla_vigil_lead_state_at_risk'] = 'Gefährdet (offene Leads)';
$lang['sla_vigil_lead_state_on_track'] = 'Im Plan (offene Leads)';
$lang['sla_vigil_lead_state_paused'] = 'Pausiert (offene Leads)';
$lang['sla_vigil_lead_state_met'] = 'Eingehalten';
$lang['sla_vigil_lead_state_no_policy'] = 'Keine Richtlinie';
$lang['sla_vigil_connection_not_from_perfex'] = 'Nichts wurde gespeichert: Dieses Formular kam nicht von dieser Perfex-Seite. Öffnen Sie die Seite erneut und speichern Sie dort.';
// Names of the module's templates under Setup > Email Templates (Sla_vigil_email_templates).
$lang['sla_vigil_email_template_escalation_ticket'] = 'SLA Vigil: Ticket-Eskalation';
$lang['sla_vigil_email_template_escalation_lead'] = 'SLA Vigil: Lead-Eskalation';
$lang['sla_vigil_email_template_digest_daily'] = 'SLA Vigil: tägliche Zusammenfassung';
$lang['sla_vigil_email_template_digest_weekly'] = 'SLA Vigil: wöchentliche Zusammenfassung';
