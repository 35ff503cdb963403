<?php

declare(strict_types=1);

// The module's emails as Perfex email templates: created with create_email_template (PERFEX.md)
// on activation, each slug once however often the module is activated, upgraded or reinstalled.

const TEMPLATE_SLUGS = ['sla-vigil-escalation-ticket', 'sla-vigil-escalation-lead', 'sla-vigil-digest-daily', 'sla-vigil-digest-weekly'];

/** @return list<string> */
function created_slugs(): array
{
    return array_column(PerfexStub::$emailTemplates, 'slug');
}

test('activation registers one template per kind with the service\'s merge fields', function (): void {
    hooks()->do_action('activate_sla_vigil_module');
    assert_same(TEMPLATE_SLUGS, created_slugs(), 'slugs');
    $byslug = array_column(PerfexStub::$emailTemplates, null, 'slug');
    foreach (PerfexStub::$emailTemplates as $call) {
        assert_same('staff', $call['type'], 'type of ' . $call['slug']);
    }
    $ticket = $byslug['sla-vigil-escalation-ticket'];
    assert_same('SLA Vigil: ticket escalation', $ticket['name'], 'name from the language file');
    foreach (['{sla_ticket_id}', '{sla_ticket_subject}', '{sla_metric}', '{sla_status}'] as $field) {
        assert_true(str_contains($ticket['subject'], $field), "ticket subject has $field");
    }
    foreach (['{sla_recipient_name}', '{sla_intro}', '{sla_due_at}', '{sla_level}', '{sla_ticket_url}', '{sla_sla_url}', '{sla_client_name}', '{sla_department}'] as $field) {
        assert_true(str_contains($ticket['message'], $field), "ticket message has $field");
    }
    $lead = $byslug['sla-vigil-escalation-lead'];
    foreach (['{sla_lead_id}', '{sla_lead_name}', '{sla_lead_company}', '{sla_market}', '{sla_source}', '{sla_lead_url}'] as $field) {
        assert_true(str_contains($lead['message'], $field), "lead message has $field");
    }
    foreach (['sla-vigil-digest-daily', 'sla-vigil-digest-weekly'] as $slug) {
        assert_true(str_contains($byslug[$slug]['message'], '{sla_vigil_content}'), "$slug has the content");
        assert_true(str_contains($byslug[$slug]['subject'], '{sla_period}'), "$slug names the period");
    }
    assert_same(json_encode(TEMPLATE_SLUGS), get_option('sla_vigil_email_templates'), 'remembered');
    assert_same(1, PerfexStub::$options['sla_vigil_email_templates']['autoload'], 'autoloaded: admin_init reads it without a query');
});

test('reactivation, admin requests and a reinstall create no template twice', function (): void {
    hooks()->do_action('activate_sla_vigil_module');
    hooks()->do_action('deactivate_sla_vigil_module');
    hooks()->do_action('activate_sla_vigil_module');
    hooks()->do_action('admin_init');
    hooks()->do_action('admin_init');
    assert_same(4, count(PerfexStub::$emailTemplates), 'created once each');
    hooks()->do_action('uninstall_sla_vigil_module');
    hooks()->do_action('activate_sla_vigil_module');
    assert_same(4, count(PerfexStub::$emailTemplates), 'not again after a reinstall');
});

test('an upgrade that adds a template registers only the new one, on the next admin request', function (): void {
    // The previous version had registered the two escalation templates only.
    add_option('sla_vigil_email_templates', json_encode(['sla-vigil-escalation-ticket', 'sla-vigil-escalation-lead']), 1);
    hooks()->do_action('admin_init');
    assert_same(['sla-vigil-digest-daily', 'sla-vigil-digest-weekly'], created_slugs(), 'only the new ones');
    assert_same(TEMPLATE_SLUGS, json_decode(get_option('sla_vigil_email_templates'), true), 'all remembered');
});

test('the template names follow the activating admin\'s language', function (): void {
    PerfexStub::$language = 'german';
    hooks()->do_action('activate_sla_vigil_module');
    assert_same('SLA Vigil: Ticket-Eskalation', PerfexStub::$emailTemplates[0]['name'], 'german name');
});

test('a failing create_email_template is logged, not thrown, and tried again on the next admin request', function (): void {
    PerfexStub::$emailTemplateFailure = 'Duplicate entry';
    hooks()->do_action('activate_sla_vigil_module');
    assert_same([], created_slugs(), 'nothing created');
    assert_same([], json_decode(get_option('sla_vigil_email_templates'), true), 'nothing remembered');
    $errors = array_filter(PerfexStub::$log, fn (array $line): bool => str_contains($line[1], 'email template'));
    assert_same(4, count($errors), 'one line per template');
    assert_true(!str_contains(implode("\n", array_column(PerfexStub::$log, 1)), 'Duplicate entry'), 'the class only, not the message');
    PerfexStub::$emailTemplateFailure = null;
    hooks()->do_action('admin_init');
    assert_same(TEMPLATE_SLUGS, created_slugs(), 'registered on the next admin request');
});

test('a remembered list that is not JSON counts as none registered', function (): void {
    add_option('sla_vigil_email_templates', 'garbage', 1);
    hooks()->do_action('admin_init');
    assert_same(TEMPLATE_SLUGS, created_slugs(), 'registered');
});

