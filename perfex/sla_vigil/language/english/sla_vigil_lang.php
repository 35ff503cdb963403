<?php

defined('BASEPATH') or exit('No direct script access allowed');

$lang['sla_vigil'] = 'SLA Vigil';
$lang['sla_vigil_service_url'] = 'SLA Vigil service URL';
$lang['sla_vigil_secret'] = 'Shared secret';
$lang['sla_vigil_capability_view_own'] = 'View own (SLA badge, SLA tab and My SLA risks on the tickets they can open and the leads assigned to them)';
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
$lang['sla_vigil_connection'] = 'SLA Vigil service';
$lang['sla_vigil_connection_connected'] = 'Connected: the service answers to this install.';
$lang['sla_vigil_connection_refused'] = 'The service answers but refuses this install: it reads another database (the secret differs), or its clock is off by more than 5 minutes.';
$lang['sla_vigil_connection_unreachable'] = 'The service is not reachable at this URL. Start it with npx sla-vigil serve beside Perfex.';
$lang['sla_vigil_connection_help'] = 'Where the SLA Vigil service listens, as Perfex\'s server reaches it (default http://127.0.0.1:3000). The shared secret is read by the service from this database; it is never shown.';
$lang['sla_vigil_connection_save'] = 'Save';
$lang['sla_vigil_connection_saved'] = 'The SLA Vigil service URL was saved.';
$lang['sla_vigil_connection_url_required'] = 'Enter the service URL.';
$lang['sla_vigil_connection_url_invalid'] = 'This is not a URL such as http://127.0.0.1:3000 (no spaces, query or fragment; at most 255 characters).';
$lang['sla_vigil_connection_url_scheme'] = 'The service URL must start with http:// or https://.';
$lang['sla_vigil_connection_url_credentials'] = 'Leave user names and passwords out of the URL: requests are signed with the shared secret.';
// The ticket list's SLA filter: the same labels as the service's states (locales/*.json).
$lang['sla_vigil_list_filter'] = 'SLA state';
$lang['sla_vigil_state_breached'] = 'Breached (open tickets)';
$lang['sla_vigil_state_at_risk'] = 'At risk (open tickets)';
$lang['sla_vigil_state_on_track'] = 'On track (open tickets)';
$lang['sla_vigil_state_paused'] = 'Paused (open tickets)';
$lang['sla_vigil_state_met'] = 'Met';
$lang['sla_vigil_state_no_policy'] = 'No policy';
// The lead list's SLA filter: the same labels as the service's lead states (locales/*.json lead_list_filter).
$lang['sla_vigil_lead_state_breached'] = 'Breached (open leads)';
$lang['sla_vigil_lead_state_at_risk'] = 'At risk (open leads)';
$lang['sla_vigil_lead_state_on_track'] = 'On track (open leads)';
$lang['sla_vigil_lead_state_paused'] = 'Paused (open leads)';
$lang['sla_vigil_lead_state_met'] = 'Met';
$lang['sla_vigil_lead_state_no_policy'] = 'No policy';
$lang['sla_vigil_connection_not_from_perfex'] = 'Nothing was saved: this form did not come from this Perfex page. Open the page again and save from there.';
// Names of the module's templates under Setup > Email Templates (Sla_vigil_email_templates).
$lang['sla_vigil_email_template_escalation_ticket'] = 'SLA Vigil: ticket escalation';
$lang['sla_vigil_email_template_escalation_lead'] = 'SLA Vigil: lead escalation';
$lang['sla_vigil_email_template_digest_daily'] = 'SLA Vigil: daily digest';
$lang['sla_vigil_email_template_digest_weekly'] = 'SLA Vigil: weekly digest';
