<?php

declare(strict_types=1);

// The module's pages inside Perfex: capabilities and menu on admin_init, and the
// controller that forwards admin/sla_vigil/... to the service over the signed channel.

require_once MODULE . '/controllers/Sla_vigil.php';

/** The controller with the raw body handed in (php://input is empty under php-cli). */
final class TestableSlaVigil extends Sla_vigil
{
    public string $body = '';

    protected function requestBody(): string
    {
        return $this->body;
    }
}

/**
 * One admin request through the controller, routed like CodeIgniter: segments admin,
 * sla_vigil, method (dashes translated), params. Returns what Perfex would answer.
 *
 * @return array{status: ?int, output: string, headers: list<string>}
 */
function open_page(string $method, string $uri, string $query = '', string $body = '', string $contentType = ''): array
{
    $_SERVER['REQUEST_METHOD'] = $method;
    $_SERVER['QUERY_STRING'] = $query;
    unset($_SERVER['CONTENT_TYPE'], $_SERVER['HTTP_CONTENT_TYPE']);
    if ($contentType !== '') {
        $_SERVER['CONTENT_TYPE'] = $contentType;
    }
    $segments = explode('/', trim($uri, '/'));
    $ci = &get_instance();
    $ci->uri = new StubUri(array_combine(range(1, count($segments)), $segments));
    $controller = new TestableSlaVigil();
    $controller->body = $body;
    try {
        $controller->_remap(str_replace('-', '_', $segments[2] ?? 'index'), array_slice($segments, 3));
    } catch (PerfexExit) {
        // redirect() / access_denied() end the request
    }

    return ['status' => PerfexStub::$status, 'output' => $ci->output->final_output, 'headers' => $ci->output->headers];
}

function menu_calls(): array
{
    hooks()->do_action('admin_init');

    return get_instance()->app_menu->calls;
}

/** @return list<string> the children's hrefs */
function menu_children(array $calls): array
{
    return array_values(array_map(fn ($call) => $call[2]['href'], array_filter($calls, fn ($call) => $call[0] === 'add_sidebar_children_item')));
}

function assert_signed(array $request): void
{
    $h = $request['headers'];
    $message = $request['method'] . "\n" . $request['path'] . "\n" . $h['x-sla-vigil-timestamp'] . "\n" . $h['x-sla-vigil-nonce'] . "\n" . $request['body'];
    assert_same('sha256=' . hash_hmac('sha256', $message, SECRET), $h['x-sla-vigil-signature'] ?? null, 'signature');
    assert_true(abs((int) $h['x-sla-vigil-timestamp'] - time()) <= 2, 'fresh timestamp');
}

function assert_in_order(string $haystack, array $needles): void
{
    $at = -1;
    foreach ($needles as $needle) {
        $found = strpos($haystack, $needle, $at + 1);
        assert_true($found !== false, "'$needle' after offset $at in:\n$haystack");
        $at = $found;
    }
}

const ALL_CHILDREN = [
    'http://perfex.test/admin/sla_vigil',
    'http://perfex.test/admin/sla_vigil/monitor',
    'http://perfex.test/admin/sla_vigil/reports',
    'http://perfex.test/admin/sla_vigil/settings',
    'http://perfex.test/admin/sla_vigil/rule-tester',
    'http://perfex.test/admin/sla_vigil/audit',
];

test('admin_init registers the capabilities view own, view and manage with localised labels', function (): void {
    menu_calls();
    assert_same([[
        'sla_vigil',
        ['capabilities' => [
            'view_own' => 'View own (SLA badge, SLA tab and My SLA risks on the tickets they can open and the leads assigned to them)',
            'view'     => 'View (dashboard, monitor, reports)',
            'manage'   => 'Manage (settings, rule tester, audit log)',
        ]],
        'SLA Vigil',
    ]], PerfexStub::$capabilities);
});

test('menu: a staff member without a grant sees no SLA Vigil entry', function (): void {
    PerfexStub::grant(1, 'tickets', 'view');
    assert_same([], menu_calls());
});

test('menu: view own gives no SLA Vigil entry (badge, tab and widget only)', function (): void {
    PerfexStub::grant(1, 'sla_vigil', 'view_own');
    assert_same([], menu_calls());
});

test('menu: view grants the entry with Dashboard, Monitor, Reports', function (): void {
    PerfexStub::grant(1, 'sla_vigil', 'view');
    $calls = menu_calls();
    assert_same(['add_sidebar_menu_item', 'sla_vigil'], array_slice($calls[0], 0, 2), 'parent first');
    assert_same('SLA Vigil', $calls[0][2]['name'], 'parent name');
    assert_same('http://perfex.test/admin/sla_vigil', $calls[0][2]['href'], 'parent href');
    assert_same(array_slice(ALL_CHILDREN, 0, 3), menu_children($calls));
    assert_same(['Dashboard', 'Monitor', 'Reports'], array_map(fn ($c) => $c[2]['name'], array_slice($calls, 1)), 'names');
    assert_true(array_reduce(array_slice($calls, 1), fn ($ok, $c) => $ok && $c[1] === 'sla_vigil', true), 'children of sla_vigil');
});

test('menu: view + manage adds Settings, Rule tester, Audit log (6 children), in German too', function (): void {
    PerfexStub::grant(1, 'sla_vigil', 'view', 'manage');
    PerfexStub::$language = 'german';
    $calls = menu_calls();
    assert_same(ALL_CHILDREN, menu_children($calls));
    assert_same(['Übersicht', 'Monitor', 'Berichte', 'Einstellungen', 'Regeltester', 'Prüfprotokoll'], array_map(fn ($c) => $c[2]['name'], array_slice($calls, 1)));
});

test('menu: an admin passes without grants; manage without view shows nothing (the door needs view)', function (): void {
    PerfexStub::$admins = [1];
    assert_same(ALL_CHILDREN, menu_children(menu_calls()));
    PerfexStub::reset();
    PerfexStub::grant(1, 'sla_vigil', 'manage');
    assert_same([], menu_calls());
});

test('page PATH: browser _sv_* dropped, ours appended, URL-encoded, signed over the whole PATH', function (): void {
    $identity = ['staff' => 7, 'lang' => 'german', 'csrf_name' => 'csrf_token_name', 'csrf_hash' => 'a b&c'];
    $request = Sla_vigil_page_request::build(
        'http://127.0.0.1:3000/',
        SECRET,
        'get',
        'monitor',
        'page=2&_sv_staff=1&q=a%20b&_SV_LANG=english&%5Fsv_staff=3&_sv_staff%5B%5D=9&sort=due',
        '',
        '',
        $identity,
        VECTOR_TS,
        VECTOR_NONCE
    );
    $path = '/admin/sla_vigil/monitor?page=2&q=a%20b&sort=due&_sv_staff=7&_sv_lang=german&_sv_csrf_name=csrf_token_name&_sv_csrf_hash=a%20b%26c&_sv_base=%2Fadmin%2F';
    assert_same($path, $request['path'], 'path');
    assert_same('http://127.0.0.1:3000' . $path, $request['url'], 'url');
    assert_same('GET', $request['method'], 'method');
    $signature = hash_hmac('sha256', "GET\n$path\n" . VECTOR_TS . "\n" . VECTOR_NONCE . "\n", SECRET);
    assert_true(in_array('X-SLA-Vigil-Signature: sha256=' . $signature, $request['headers'], true), 'signature header');
    assert_true(in_array('X-SLA-Vigil-Nonce: ' . VECTOR_NONCE, $request['headers'], true), 'nonce header');
    assert_same(
        '/admin/sla_vigil?_sv_staff=7&_sv_lang=german&_sv_csrf_name=csrf_token_name&_sv_csrf_hash=a%20b%26c&_sv_base=%2Fadmin%2F',
        Sla_vigil_page_request::path('', '', $identity),
        'dashboard without a query'
    );
});

test('page PATH: a path prefix in the service URL is sent and signed', function (): void {
    $identity = ['staff' => 1, 'lang' => 'english', 'csrf_name' => 'n', 'csrf_hash' => 'h'];
    $request = Sla_vigil_page_request::build('http://svc.internal/sla/', SECRET, 'POST', 'settings', '', 'a=1', 'application/x-www-form-urlencoded', $identity, VECTOR_TS, VECTOR_NONCE);
    assert_same('/sla/admin/sla_vigil/settings?_sv_staff=1&_sv_lang=english&_sv_csrf_name=n&_sv_csrf_hash=h&_sv_base=%2Fadmin%2F', $request['path']);
    assert_true(in_array('Content-Type: application/x-www-form-urlencoded', $request['headers'], true), 'content type');
    $signature = hash_hmac('sha256', "POST\n" . $request['path'] . "\n" . VECTOR_TS . "\n" . VECTOR_NONCE . "\na=1", SECRET);
    assert_true(in_array('X-SLA-Vigil-Signature: sha256=' . $signature, $request['headers'], true), 'signature');
});

test('page rest: raw URI segments win over _remap (dashes kept), fallback to method/params', function (): void {
    assert_same('rule-tester', Sla_vigil_page_request::rest([1 => 'admin', 2 => 'sla_vigil', 3 => 'rule-tester'], 'rule_tester', []));
    assert_same('', Sla_vigil_page_request::rest(['admin', 'sla_vigil'], 'index', []));
    assert_same('settings/policies/4/edit', Sla_vigil_page_request::rest([], 'settings', ['policies', '4', 'edit']));
    assert_same('', Sla_vigil_page_request::rest([], 'index', []));
    assert_same('assets/a%20b.css', Sla_vigil_page_request::rest(['admin', 'sla_vigil', 'assets', 'a%20b.css'], 'assets', ['a b.css']));
});

test('a page fragment is wrapped in Perfex\'s layout with the status kept; identity and query signed', function (): void {
    $server = paired_with_capture();
    PerfexStub::grant(5, 'sla_vigil', 'view');
    PerfexStub::$staffId = 5;
    PerfexStub::$staffLanguage = 'german';
    $server->answer(200, [
        'Content-Type'         => 'text/html; charset=utf-8',
        'X-SLA-Vigil-Fragment' => '1',
        'X-SLA-Vigil-Title'    => 'Monitor%20%E2%80%94%20%3CSLA%3E',
    ], '<nav class="sv-subnav"></nav><h1>Monitor</h1>');
    $page = open_page('GET', 'admin/sla_vigil/monitor', 'page=2&_sv_staff=1');
    assert_same(200, $page['status'], 'status');
    assert_same('Monitor — &lt;SLA&gt;', get_instance()->load->vars['title'] ?? null, 'title');
    assert_in_order($page['output'], ['<!-- stub:init_head -->', '<div id="wrapper">', '<div class="content">', '<nav class="sv-subnav"></nav><h1>Monitor</h1>', '</div>', '<!-- stub:init_tail -->']);
    $requests = $server->requests();
    assert_same(1, count($requests), 'one request');
    assert_same('GET', $requests[0]['method'], 'method');
    assert_same('/admin/sla_vigil/monitor?page=2&_sv_staff=5&_sv_lang=german&_sv_csrf_name=csrf_token_name&_sv_csrf_hash=c5rfh45h&_sv_base=%2Fadmin%2F', $requests[0]['path'], 'path');
    assert_signed($requests[0]);
});

test('the page title is decoded and escaped; a 422 form answer keeps its status and the POST body is signed', function (): void {
    $server = paired_with_capture();
    PerfexStub::$admins = [1];
    PerfexStub::$options['active_language'] = ['value' => 'spanish', 'autoload' => 1];
    $server->answer(422, ['Content-Type' => 'text/html; charset=utf-8', 'X-SLA-Vigil-Fragment' => '1', 'X-SLA-Vigil-Title' => 'A%20%3Cb%3E'], '<form>bad</form>');
    $body = 'name=Gold&csrf_token_name=c5rfh45h';
    $page = open_page('POST', 'admin/sla_vigil/settings/policies', '', $body, 'application/x-www-form-urlencoded');
    assert_same(422, $page['status'], 'status');
    assert_true(str_contains($page['output'], '<form>bad</form>'), 'fragment');
    $request = $server->requests()[0];
    assert_same('POST', $request['method'], 'method');
    assert_same($body, $request['body'], 'raw body');
    assert_same('application/x-www-form-urlencoded', $request['headers']['content-type'] ?? null, 'content type');
    assert_true(str_contains($request['path'], '_sv_lang=spanish'), 'the default language when the staff member has none');
    assert_signed($request);
    assert_same('A &lt;b&gt;', get_instance()->load->vars['title'] ?? null, 'title for Perfex\'s head');
});

test('a 303 from the service becomes redirect(admin_url(...)) without the leading /admin/', function (): void {
    $server = paired_with_capture();
    PerfexStub::$admins = [1];
    $server->answer(303, ['Location' => '/admin/sla_vigil/settings?saved=1'], '');
    $page = open_page('POST', 'admin/sla_vigil/settings', '', 'a=1', 'application/x-www-form-urlencoded');
    assert_same(['http://perfex.test/admin/sla_vigil/settings?saved=1'], PerfexStub::$redirects);
    assert_same('', $page['output'], 'no page');
});

test('a redirect outside the module is not followed: the dashboard instead', function (): void {
    assert_same('sla_vigil', Sla_vigil_page_proxy::adminPath('https://evil.example/admin/sla_vigil'));
    assert_same('sla_vigil', Sla_vigil_page_proxy::adminPath('/admin/tickets'));
    assert_same('sla_vigil/audit?page=2', Sla_vigil_page_proxy::adminPath('/admin/sla_vigil/audit?page=2'));
    assert_same(
        ['kind' => 'redirect', 'path' => 'sla_vigil/monitor'],
        Sla_vigil_page_proxy::classify(['status' => 302, 'headers' => ['location' => '/admin/sla_vigil/monitor'], 'body' => ''], 'http://127.0.0.1:3000'),
        'a 302 is a redirect too'
    );
});

test('a CSV download passes through with its status, listed headers and exact body, no layout', function (): void {
    $server = paired_with_capture();
    PerfexStub::grant(1, 'sla_vigil', 'view');
    $csv = "ticket,breached\n12,{elapsed_time}\n";
    $server->answer(200, [
        'Content-Type'        => 'text/csv; charset=utf-8',
        'Content-Disposition' => 'attachment; filename="sla-report.csv"',
        'X-Sla-Vigil-Total'   => '1',
        'X-Internal'          => 'not for the browser',
    ], $csv);
    $page = open_page('GET', 'admin/sla_vigil/reports/export.csv', 'from=2026-01-01');
    assert_same(200, $page['status'], 'status');
    assert_same($csv, $page['output'], 'body byte for byte');
    assert_same([
        'Content-Type: text/csv; charset=utf-8',
        'Content-Disposition: attachment; filename="sla-report.csv"',
        'X-Sla-Vigil-Total: 1',
    ], $page['headers'], 'headers');
    assert_same(false, get_instance()->output->parse_exec_vars, 'CodeIgniter leaves {elapsed_time} alone');
    assert_same('/admin/sla_vigil/reports/export.csv?from=2026-01-01&_sv_staff=1&_sv_lang=english&_sv_csrf_name=csrf_token_name&_sv_csrf_hash=c5rfh45h&_sv_base=%2Fadmin%2F', $server->requests()[0]['path'], 'path');
});

test('service down: a localised 502 Perfex page, fast, nothing from the secret', function (): void {
    $port = free_port();
    update_option('sla_vigil_service_url', 'http://127.0.0.1:' . $port);
    update_option('sla_vigil_secret', SECRET);
    PerfexStub::$admins = [1];
    PerfexStub::$staffLanguage = 'german';
    PerfexStub::$language = 'german';
    $started = microtime(true);
    $page = open_page('GET', 'admin/sla_vigil');
    $elapsed = microtime(true) - $started;
    assert_true($elapsed < 1.5, "took {$elapsed}s");
    assert_same(502, $page['status'], 'status');
    assert_in_order($page['output'], [
        '<!-- stub:init_head -->',
        "Der SLA-Vigil-Dienst ist unter http://127.0.0.1:$port nicht erreichbar. Starten Sie ihn mit <code>npx sla-vigil serve</code>.",
        '<!-- stub:init_tail -->',
    ]);
    assert_true(!str_contains($page['output'], SECRET), 'secret in page');
    assert_true(!str_contains($page['output'], 'Exception') && !str_contains($page['output'], 'Stack'), 'no PHP error');
    assert_true(count(logged_errors()) === 1, 'logged once');
    assert_no_secret_logged();
});

test('a refusal (401) or a service error (500) shows the 502 page, never the service\'s answer', function (): void {
    foreach ([401, 500] as $status) {
        PerfexStub::reset();
        $server = paired_with_capture();
        PerfexStub::$admins = [1];
        $server->answer($status, ['Content-Type' => 'application/json'], '{"error":"bad_signature"}');
        $page = open_page('GET', 'admin/sla_vigil/audit');
        assert_same(502, $page['status'], "status after $status");
        assert_true(str_contains($page['output'], 'The SLA Vigil service is not reachable at ' . $server->url()), "message after $status");
        assert_true(!str_contains($page['output'], 'bad_signature'), 'service body hidden');
        assert_true(str_contains(logged_errors()[0] ?? '', 'HTTP ' . $status), 'logged');
        assert_no_secret_logged();
    }
});

test('not paired: the 502 page, nothing sent', function (): void {
    $server = paired_with_capture();
    update_option('sla_vigil_secret', '');
    PerfexStub::$admins = [1];
    $page = open_page('GET', 'admin/sla_vigil');
    assert_same(502, $page['status'], 'status');
    assert_same(0, count($server->requests()), 'requests');
});

test('view own: the dashboard, monitor and reports are denied without a request; the assets are forwarded', function (): void {
    $server = paired_with_capture();
    PerfexStub::grant(1, 'sla_vigil', 'view_own');
    foreach (['admin/sla_vigil', 'admin/sla_vigil/monitor', 'admin/sla_vigil/reports'] as $uri) {
        PerfexStub::$accessDenied = [];
        $page = open_page('GET', $uri);
        assert_same(['sla_vigil'], PerfexStub::$accessDenied, "access_denied for $uri");
        assert_same('', $page['output'], "output of $uri");
    }
    assert_same(0, count($server->requests()), 'requests');
    $server->answer(200, ['Content-Type' => 'application/javascript'], '/* countdown */');
    PerfexStub::$accessDenied = [];
    $page = open_page('GET', 'admin/sla_vigil/assets/countdown.js');
    assert_same([], PerfexStub::$accessDenied, 'assets not denied');
    assert_same('/* countdown */', $page['output'], 'asset body');
    assert_true(str_starts_with($server->requests()[0]['path'], '/admin/sla_vigil/assets/countdown.js?'), $server->requests()[0]['path']);
});

test('no view permission: access_denied(sla_vigil), no request sent, no page', function (): void {
    $server = paired_with_capture();
    PerfexStub::grant(1, 'sla_vigil', 'manage');
    $page = open_page('GET', 'admin/sla_vigil/settings');
    assert_same(['sla_vigil'], PerfexStub::$accessDenied, 'access_denied');
    assert_same(0, count($server->requests()), 'requests');
    assert_same('', $page['output'], 'output');
    assert_same(null, $page['status'], 'status');
});
