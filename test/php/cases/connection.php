<?php

declare(strict_types=1);

// Setup > SLA Vigil service (the page PHP renders itself) and uninstall's table cleanup.

require_once MODULE . '/controllers/Sla_vigil.php';

/** @return array{status: ?int, output: string} one admin request to admin/sla_vigil/connection */
function open_connection(string $method, array $post = []): array
{
    $_SERVER['REQUEST_METHOD'] = $method;
    $_SERVER['QUERY_STRING'] = '';
    $_POST = $post;
    $ci = &get_instance();
    $ci->uri = new StubUri([1 => 'admin', 2 => 'sla_vigil', 3 => 'connection']);
    try {
        (new Sla_vigil())->_remap('connection', []);
    } catch (PerfexExit) {
        // redirect() / access_denied() end the request
    }

    return ['status' => PerfexStub::$status, 'output' => $ci->output->final_output];
}

function paired_with_capture_server(): CaptureServer
{
    $server = CaptureServer::shared();
    $server->reset();
    update_option('sla_vigil_service_url', $server->url());
    update_option('sla_vigil_secret', SECRET);

    return $server;
}

test('connection: service URLs are checked before they are saved', function (): void {
    foreach ([
        'http://127.0.0.1:3000'          => null,
        'https://sla.example.com/vigil'  => null,
        ''                               => 'sla_vigil_connection_url_required',
        'ftp://127.0.0.1:3000'           => 'sla_vigil_connection_url_scheme',
        'javascript:alert(1)'            => 'sla_vigil_connection_url_invalid',
        'http://user:pw@127.0.0.1:3000'  => 'sla_vigil_connection_url_credentials',
        'http://127.0.0.1:3000/?a=1'     => 'sla_vigil_connection_url_invalid',
        'http://127.0.0.1:3000/#x'       => 'sla_vigil_connection_url_invalid',
        "http://127.0.0.1:3000\n"        => 'sla_vigil_connection_url_invalid',
        'http://' . str_repeat('a', 260) => 'sla_vigil_connection_url_invalid',
        '127.0.0.1:3000'                 => 'sla_vigil_connection_url_invalid',
    ] as $url => $expected) {
        assert_same($expected, Sla_vigil_connection::problem((string) $url), 'problem of ' . json_encode($url));
    }
});

test('connection: only administrators open it (Perfex access_denied for others, even with manage)', function (): void {
    PerfexStub::grant(1, 'sla_vigil', 'view', 'manage');
    $page = open_connection('GET');
    assert_same(['sla_vigil'], PerfexStub::$accessDenied, 'access denied');
    assert_same('', $page['output'], 'nothing rendered');
    $page = open_connection('POST', ['service_url' => 'http://evil.test']);
    assert_same('', (string) get_option('sla_vigil_service_url'), 'nothing saved');
});

test('connection: an admin sees the URL, Perfex CSRF field and "connected" from one signed ping', function (): void {
    PerfexStub::$admins = [1];
    $server = paired_with_capture_server();
    $server->answer(200, ['Content-Type' => 'application/json'], '{"ok":true,"version":"0.1.0"}');
    $page = open_connection('GET');
    assert_same(200, $page['status'], 'status');
    $requests = $server->requests();
    assert_same(1, count($requests), 'one ping');
    assert_same(['POST', '/bridge/ping'], [$requests[0]['method'], $requests[0]['path']], 'ping');
    assert_signed($requests[0]);
    assert_true(str_contains($page['output'], 'data-sla-vigil-connection="connected"'), 'connected');
    assert_true(str_contains($page['output'], '0.1.0'), 'version');
    assert_true(str_contains($page['output'], 'name="csrf_token_name" value="c5rfh45h"'), 'CSRF field');
    assert_true(str_contains($page['output'], 'value="' . $server->url() . '"'), 'current URL');
    assert_true(!str_contains($page['output'], SECRET), 'secret never shown');
    assert_in_order($page['output'], ['<!-- stub:init_head -->', 'SLA Vigil service', '<form method="post"', '<!-- stub:init_tail -->']);
});

test('connection: a refusing service (another secret) and no service are told apart, in German too', function (): void {
    PerfexStub::$admins = [1];
    PerfexStub::$language = 'german';
    $server = paired_with_capture_server();
    $server->reset(401);
    assert_true(str_contains(open_connection('GET')['output'], 'data-sla-vigil-connection="refused"'), 'refused');
    update_option('sla_vigil_service_url', 'http://127.0.0.1:' . free_port());
    $page = open_connection('GET');
    assert_true(str_contains($page['output'], 'data-sla-vigil-connection="unreachable"'), 'unreachable');
    assert_true(str_contains($page['output'], 'nicht erreichbar'), 'German');
});

test('connection: a valid URL is saved (trailing slash dropped) with a success alert and a redirect', function (): void {
    PerfexStub::$admins = [1];
    update_option('sla_vigil_service_url', 'http://127.0.0.1:3000');
    open_connection('POST', ['service_url' => '  http://10.0.0.5:3100/  ', 'csrf_token_name' => 'c5rfh45h']);
    assert_same('http://10.0.0.5:3100', get_option('sla_vigil_service_url'), 'saved');
    assert_same(['http://perfex.test/admin/sla_vigil/connection'], PerfexStub::$redirects, 'redirect');
    assert_same('success', PerfexStub::$alerts[0][0] ?? null, 'alert');
});

test('connection: a bad URL answers 422 with the message at the field and keeps the saved one', function (): void {
    PerfexStub::$admins = [1];
    paired_with_capture_server();
    $saved = get_option('sla_vigil_service_url');
    $page = open_connection('POST', ['service_url' => 'http://a:b@host.test"><script>', 'csrf_token_name' => 'c5rfh45h']);
    assert_same(422, $page['status'], 'status');
    assert_same($saved, get_option('sla_vigil_service_url'), 'unchanged');
    assert_true(str_contains($page['output'], 'aria-invalid="true"'), 'field marked');
    assert_true(str_contains($page['output'], '&quot;&gt;&lt;script&gt;'), 'submitted value escaped');
    assert_true(!str_contains($page['output'], '"><script>'), 'no raw markup');
    $page = open_connection('POST', ['service_url' => ['array'], 'csrf_token_name' => 'c5rfh45h']);
    assert_same(422, $page['status'], 'an array is refused, not a TypeError');
});

test('menu: administrators get Setup > SLA Vigil service; others do not', function (): void {
    PerfexStub::$admins = [1];
    $setup = array_values(array_filter(menu_calls(), fn ($c) => $c[0] === 'add_setup_menu_item'));
    assert_same('sla_vigil_connection', $setup[0][1] ?? null, 'slug');
    assert_same('http://perfex.test/admin/sla_vigil/connection', $setup[0][2]['href'] ?? null, 'href');
    PerfexStub::reset();
    PerfexStub::grant(1, 'sla_vigil', 'view', 'manage');
    assert_same([], array_values(array_filter(menu_calls(), fn ($c) => $c[0] === 'add_setup_menu_item')), 'not for staff');
});

test('uninstall drops exactly the module tables (prefix compared literally) and keeps Perfex tables', function (): void {
    $db = get_instance()->db;
    $db->tables = array_fill_keys(['tbltickets', 'tbloptions', 'tblsla_vigil_clocks', 'tblsla_vigil_migrations', 'tblsla_vigil_migrations_lock', 'tblslaXvigil_other', 'tblsla_vigilant', 'tblsla_vigil_x`y'], []);
    hooks()->do_action('activate_sla_vigil_module');
    hooks()->do_action('uninstall_sla_vigil_module');
    assert_same(['tbltickets', 'tbloptions', 'tblslaXvigil_other', 'tblsla_vigilant', 'tblsla_vigil_x`y'], array_keys($db->tables), 'tables left');
    $db->tables = [];
});

test('uninstall.php (what Perfex runs for a deactivated module) cleans up without the init file\'s hooks', function (): void {
    $db = get_instance()->db;
    $db->tables = array_fill_keys(['tbltickets', 'tblsla_vigil_clocks', 'tblsla_vigil_migrations'], []);
    $db->tables['tblstaff_permissions'] = [
        ['staff_id' => 3, 'feature' => 'sla_vigil', 'capability' => 'view'],
        ['staff_id' => 3, 'feature' => 'tickets', 'capability' => 'view'],
    ];
    hooks()->do_action('activate_sla_vigil_module');
    add_option('company_name', 'Acme', 1);
    include MODULE . '/uninstall.php';
    // The templates stay in Perfex, and so does the list of them, so a reinstall adds none twice.
    assert_same(['sla_vigil_email_templates', 'company_name'], array_keys(PerfexStub::$options), 'options left');
    assert_same(['tbltickets', 'tblstaff_permissions'], array_keys($db->tables), 'tables left');
    assert_same([['staff_id' => 3, 'feature' => 'tickets', 'capability' => 'view']], $db->tables['tblstaff_permissions'], 'other grants kept');
});

test('connection: a post without Perfex\'s CSRF token, or with another, saves nothing (403), even if CodeIgniter let it through', function (): void {
    PerfexStub::$admins = [1];
    paired_with_capture_server();
    $saved = get_option('sla_vigil_service_url');
    foreach ([[], ['csrf_token_name' => 'forged'], ['csrf_token_name' => ['c5rfh45h']]] as $token) {
        $page = open_connection('POST', ['service_url' => 'http://evil.test:3000'] + $token);
        assert_same(403, $page['status'], 'status for ' . json_encode($token));
        assert_same($saved, get_option('sla_vigil_service_url'), 'unchanged');
        assert_true(str_contains($page['output'], 'did not come from this Perfex page'), 'said why');
    }
});

test('connection: with CSRF protection off, the browser\'s Sec-Fetch-Site or Origin must name this site', function (): void {
    PerfexStub::$admins = [1];
    paired_with_capture_server();
    get_instance()->security->hash = null; // CodeIgniter with csrf_protection off
    $post = function (array $server): ?int {
        $_SERVER = array_merge(array_diff_key($_SERVER, ['HTTP_SEC_FETCH_SITE' => 1, 'HTTP_ORIGIN' => 1]), $server);
        $page = open_connection('POST', ['service_url' => 'http://10.9.9.9:3000']);
        get_instance()->security->hash = null; // a new request resets it

        return $page['status'];
    };
    assert_same(403, $post(['HTTP_SEC_FETCH_SITE' => 'cross-site']), 'cross-site');
    assert_same(403, $post(['HTTP_ORIGIN' => 'https://evil.test']), 'foreign origin');
    assert_same(403, $post([]), 'no evidence');
    assert_true(get_option('sla_vigil_service_url') !== 'http://10.9.9.9:3000', 'nothing saved yet');
    $post(['HTTP_ORIGIN' => 'http://perfex.test']);
    assert_same('http://10.9.9.9:3000', get_option('sla_vigil_service_url'), 'same origin saves');
    $_SERVER = array_diff_key($_SERVER, ['HTTP_SEC_FETCH_SITE' => 1, 'HTTP_ORIGIN' => 1]);
});
