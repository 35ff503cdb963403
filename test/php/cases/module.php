<?php

declare(strict_types=1);

// The init file's header, what it registers with Perfex, and the options lifecycle.

test('init file header carries what Perfex parses, with module.json version', function (): void {
    $source = file_get_contents(MODULE . '/sla_vigil.php');
    $version = json_decode(file_get_contents(ROOT . '/module.json'), true)['version'];
    assert_true(str_contains($source, "\nModule Name: SLA Vigil\n"), 'Module Name');
    assert_true(preg_match('/^Description: \S.+$/m', $source) === 1, 'Description');
    assert_true(str_contains($source, "\nVersion: $version\n"), "Version $version");
    assert_true(str_contains($source, "\nRequires at least: 3.0.*\n"), 'Requires at least');
    assert_true(str_contains($source, "defined('BASEPATH') or exit('No direct script access allowed');"), 'BASEPATH guard');
});

test('every module PHP file refuses direct access', function (): void {
    foreach (glob(MODULE . '/{,*/,*/*/}*.php', GLOB_BRACE) as $file) {
        assert_true(str_contains(file_get_contents($file), "defined('BASEPATH') or exit("), basename($file));
    }
});

test('hooks are registered once each with the accepted_args Perfex passes, never on all', function (): void {
    $expected = [
        'admin_init'                        => ['sla_vigil_on_admin_init', 0],
        'ticket_created'                    => ['sla_vigil_on_ticket_created', 1],
        'after_ticket_reply_added'          => ['sla_vigil_on_reply_added', 1],
        'after_ticket_status_changed'       => ['sla_vigil_on_status_changed', 1],
        'ticket_settings_updated'           => ['sla_vigil_on_settings_updated', 1],
        'before_do_bulk_action_for_tickets' => ['sla_vigil_on_bulk_action', 0],
        'after_ticket_deleted'              => ['sla_vigil_on_ticket_deleted', 1],
        'after_cron_run'                    => ['sla_vigil_on_cron_run', 1],
        // Leads: one argument each (PERFEX.md's Leads table); before_lead_deleted is not needed.
        'lead_created'                      => ['sla_vigil_on_lead_created', 1],
        'lead_status_changed'               => ['sla_vigil_on_lead_status_changed', 1],
        'after_lead_updated'                => ['sla_vigil_on_lead_updated', 1],
        'lead_marked_as_lost'               => ['sla_vigil_on_lead_marked_as_lost', 1],
        'lead_marked_as_junk'               => ['sla_vigil_on_lead_marked_as_junk', 1],
        'after_lead_deleted'                => ['sla_vigil_on_lead_deleted', 1],
        'activate_sla_vigil_module'         => ['sla_vigil_activate', 1],
        'deactivate_sla_vigil_module'       => ['sla_vigil_deactivate', 1],
        'uninstall_sla_vigil_module'        => ['sla_vigil_uninstall', 1],
        // Filters: the list's two need the second argument (PERFEX.md: accepted_args = 2).
        'datatables_sql_query_results'                    => ['sla_vigil_collect_list_badges', 2],
        'admin_tickets_table_row_data'                    => ['sla_vigil_add_list_badge', 2],
        'leads_table_row_data'                            => ['sla_vigil_add_lead_list_badge', 2],
        'after_admin_single_ticket_tab_menu_last_item'    => ['sla_vigil_ticket_tab_link', 1],
        'after_admin_single_ticket_tab_menu_last_content' => ['sla_vigil_ticket_tab_pane', 1],
        'get_dashboard_widgets'                           => ['sla_vigil_add_dashboard_widget', 1],
        // The lead modal's tab: both pass the lead (NULL on the "new lead" form).
        'after_lead_lead_tabs'                            => ['sla_vigil_lead_tab_link', 1],
        'after_lead_tabs_content'                         => ['sla_vigil_lead_tab_pane', 1],
        // The filter builder's rules are the filter's one argument.
        'table_tickets_rules'                             => ['sla_vigil_add_list_filter', 1],
        'table_leads_rules'                               => ['sla_vigil_add_lead_list_filter', 1],
    ];
    $actual = [];
    foreach (hooks()->actions as $tag => $entries) {
        assert_same(1, count($entries), "callbacks on $tag");
        $actual[$tag] = [$entries[0]['callback'], $entries[0]['accepted_args']];
    }
    ksort($expected);
    ksort($actual);
    assert_same($expected, $actual, 'registered actions');
    assert_same(['sla_vigil'], PerfexStub::$languageFiles['sla_vigil'] ?? null, 'language files');
});

test('language files exist for english, german, spanish with the same keys', function (): void {
    $keys = [];
    foreach (['english', 'german', 'spanish'] as $language) {
        $lang = [];
        require MODULE . "/language/$language/sla_vigil_lang.php";
        $keys[$language] = array_keys($lang);
        assert_true(count($lang) > 0, "$language has strings");
    }
    assert_same($keys['english'], $keys['german'], 'german keys');
    assert_same($keys['english'], $keys['spanish'], 'spanish keys');
});

test('activation creates the options once; reactivation keeps the secret and the URL', function (): void {
    hooks()->do_action('activate_sla_vigil_module');
    assert_same(['value' => 'http://127.0.0.1:3000', 'autoload' => 0], PerfexStub::$options['sla_vigil_service_url'] ?? null, 'service url');
    $secret = PerfexStub::$options['sla_vigil_secret']['value'] ?? '';
    assert_true(preg_match('/^[0-9a-f]{64}$/', $secret) === 1, "secret is 64 hex, got '$secret'");
    assert_same(0, PerfexStub::$options['sla_vigil_secret']['autoload'], 'secret autoload');

    update_option('sla_vigil_service_url', 'http://10.0.0.5:3000');
    hooks()->do_action('activate_sla_vigil_module');
    assert_same($secret, get_option('sla_vigil_secret'), 'secret after reactivation');
    assert_same('http://10.0.0.5:3000', get_option('sla_vigil_service_url'), 'edited url kept');
    assert_same(['value' => 'http://perfex.test', 'autoload' => 1], PerfexStub::$options['sla_vigil_site_url'] ?? null, 'site url');
    // The fourth: which email templates were registered (cases/email_templates.php).
    assert_same(4, count(PerfexStub::$options), 'no other options');
});

test('every admin request keeps Perfex\'s base URL current (sub-folder kept, admin/ dropped), writing only changes', function (): void {
    hooks()->do_action('activate_sla_vigil_module');
    update_option('sla_vigil_site_url', 'http://old.test/crm');
    hooks()->do_action('admin_init');
    assert_same('http://perfex.test', get_option('sla_vigil_site_url'), 'updated');
    PerfexStub::$options = [];
    hooks()->do_action('admin_init');
    assert_same('http://perfex.test', get_option('sla_vigil_site_url'), 'created when missing');
});

test('two activations on two installs get different secrets', function (): void {
    hooks()->do_action('activate_sla_vigil_module');
    $first = get_option('sla_vigil_secret');
    PerfexStub::reset();
    hooks()->do_action('activate_sla_vigil_module');
    assert_true($first !== get_option('sla_vigil_secret'), 'secrets are random');
});

test('deactivation keeps the options; uninstall deletes exactly the module\'s', function (): void {
    hooks()->do_action('activate_sla_vigil_module');
    add_option('company_name', 'Acme', 1);
    hooks()->do_action('deactivate_sla_vigil_module');
    assert_same(5, count(PerfexStub::$options), 'options after deactivation');
    hooks()->do_action('uninstall_sla_vigil_module');
    // The registered templates' list stays with the templates, which Perfex keeps.
    assert_same(['sla_vigil_email_templates', 'company_name'], array_keys(PerfexStub::$options), 'options after uninstall');
    $statements = array_slice(get_instance()->db->statements, -4);
    assert_same([
        'DELETE FROM tbloptions WHERE {"name":"sla_vigil_service_url"}',
        'DELETE FROM tbloptions WHERE {"name":"sla_vigil_secret"}',
        'DELETE FROM tbloptions WHERE {"name":"sla_vigil_site_url"}',
        'DELETE FROM tblstaff_permissions WHERE {"feature":"sla_vigil"}',
    ], $statements, 'uninstall statements');
});

test('including the init file again registers nothing twice and does not fail', function (): void {
    $before = array_map('count', hooks()->actions);
    include MODULE . '/sla_vigil.php';
    assert_same($before, array_map('count', hooks()->actions), 'callbacks per hook');
});

test('the stand-in hooks() runs lower priority first and passes exactly accepted_args', function (): void {
    $hooks = new StubHooks();
    $seen = [];
    $hooks->add_action('probe', function (mixed ...$args) use (&$seen): void { $seen[] = ['late', $args]; }, 20, 2);
    $hooks->add_action('probe', function (mixed ...$args) use (&$seen): void { $seen[] = ['none', $args]; }, 10, 0);
    $hooks->add_action('probe', function (mixed ...$args) use (&$seen): void { $seen[] = ['one', $args]; }, 10);
    $hooks->do_action('probe', 'a', 'b', 'c');
    assert_same([['none', []], ['one', ['a']], ['late', ['a', 'b']]], $seen);
});
