<?php

declare(strict_types=1);

// The module inside Perfex's own screens (bridge-contract, addendum 2): the SLA badge in
// the ticket list from ONE batched request per page, the SLA tab on a ticket from one
// request per page view, and the "My SLA risks" home widget; nothing added on failure.

const BADGE = '<span class="sv-badge sv-badge--at_risk" style="background:#b45309">At risk</span>';

/** A page of the tickets list as the database hands it to the filter (MySQL strings). */
function ticket_rows(int $count, int $firstId = 101): array
{
    $rows = [];
    for ($i = 0; $i < $count; $i++) {
        $rows[] = ['ticketid' => (string) ($firstId + $i), 'subject' => 'Ticket ' . ($firstId + $i), 'status' => '1'];
    }

    return $rows;
}

/** The cells Perfex builds for one row (PERFEX.md: 0..10, 7 = status). */
function ticket_cells(array $aRow): array
{
    $cells = array_fill(0, 11, '');
    $cells[1] = $aRow['ticketid'];
    $cells[7] = '<span class="label ticket-status-1">Open</span>';

    return $cells;
}

/** The list page as Perfex renders it: the page filter, then the row filter per row. */
function render_ticket_list(array $rows, string $table = 'tbltickets'): array
{
    $returned = hooks()->apply_filters('datatables_sql_query_results', $rows, ['table' => $table, 'limit' => 'LIMIT 0, 25', 'order' => 'ORDER BY date DESC']);
    assert_same($rows, $returned, 'rows returned unchanged');
    $out = [];
    foreach ($rows as $aRow) {
        $out[(int) $aRow['ticketid']] = hooks()->apply_filters('admin_tickets_table_row_data', ticket_cells($aRow), $aRow);
    }

    return $out;
}

function captured_output(callable $fn): string
{
    ob_start();
    try {
        $fn();
    } finally {
        $output = (string) ob_get_clean();
    }

    return $output;
}

function render_widget_view(): string
{
    return captured_output(function (): void {
        include MODULE . '/views/widgets/my_risks.php';
    });
}

function assert_fragment_request(array $request, string $path, array $body): void
{
    assert_same('POST', $request['method'], 'method');
    assert_same($path, $request['path'], 'path');
    assert_same('application/json', $request['headers']['content-type'] ?? null, 'content type');
    assert_same($body, json_decode($request['body'], true), 'body');
    assert_signed($request);
}

test('ticket list: one signed request for a page of 25 rows, badges land in cell 7 of the right rows', function (): void {
    PerfexStub::$admins = [1];
    PerfexStub::$staffLanguage = 'german';
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['badges' => ['103' => BADGE, '125' => BADGE]]));
    $cells = render_ticket_list(ticket_rows(25));
    $requests = $server->requests();
    assert_same(1, count($requests), 'requests for the page');
    assert_fragment_request($requests[0], '/bridge/ticket-list', ['staff_id' => 1, 'language' => 'german', 'admin_base' => '/admin/', 'ticket_ids' => range(101, 125)]);
    assert_same('<span class="label ticket-status-1">Open</span> ' . BADGE, $cells[103][7], 'badge of 103');
    assert_same('<span class="label ticket-status-1">Open</span> ' . BADGE, $cells[125][7], 'badge of 125');
    assert_same(ticket_cells(['ticketid' => '104']), $cells[104], 'a row without a badge is unchanged');
    // A row shaped otherwise (no status cell) is left as it is.
    assert_same(['x'], hooks()->apply_filters('admin_tickets_table_row_data', ['x'], ['ticketid' => '103']), 'short row');
    assert_same([], logged_errors(), 'errors');
});

test('ticket list: a staff member granted View (not admin) gets badges, the language falls back to the default', function (): void {
    PerfexStub::$staffId = 7;
    PerfexStub::grant(7, 'sla_vigil', 'view');
    $server = paired_with_capture();
    update_option('active_language', 'spanish');
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['badges' => ['101' => BADGE]]));
    $cells = render_ticket_list(ticket_rows(2));
    assert_same(['staff_id' => 7, 'language' => 'spanish', 'admin_base' => '/admin/', 'ticket_ids' => [101, 102]], json_decode($server->requests()[0]['body'], true), 'body');
    assert_true(str_contains($cells[101][7], BADGE), 'badge added');
});

test('view own passes the fragments gate: badges, the ticket tab and the home widget are asked for', function (): void {
    PerfexStub::$staffId = 7;
    PerfexStub::grant(7, 'sla_vigil', 'view_own');
    assert_true(Sla_vigil_fragments::staffSeesSla(), 'gate');
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['badges' => ['101' => BADGE]]));
    $cells = render_ticket_list(ticket_rows(2));
    assert_true(str_contains($cells[101][7], BADGE), 'badge added');
    assert_same('/bridge/ticket-list', $server->requests()[0]['path'], 'list asked');
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['title' => 'SLA', 'html' => '<div>clocks</div>']));
    $link = captured_output(fn () => hooks()->do_action('after_admin_single_ticket_tab_menu_last_item', ['ticketid' => 12]));
    assert_true(str_contains($link, 'href="#sla_vigil"'), 'tab link');
    assert_same('/bridge/ticket-panel', $server->requests()[1]['path'], 'panel asked');
    $widgets = hooks()->apply_filters('get_dashboard_widgets', []);
    assert_same([['path' => Sla_vigil_fragments::WIDGET_PATH, 'container' => 'top-12']], $widgets, 'widget added');
    PerfexStub::reset();
    PerfexStub::$staffId = 7;
    PerfexStub::grant(7, 'tickets', 'view');
    assert_true(!Sla_vigil_fragments::staffSeesSla(), 'no grant, no gate');
});

test('ticket list: no request and no badge for staff without View', function (): void {
    PerfexStub::$staffId = 7;
    PerfexStub::grant(7, 'tickets', 'view');
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['badges' => ['101' => BADGE]]));
    $cells = render_ticket_list(ticket_rows(25));
    assert_same(0, count($server->requests()), 'requests');
    assert_same(ticket_cells(['ticketid' => '101']), $cells[101], 'row unchanged');
});

test('ticket list: other tables (clients, a tickets table under another prefix) send nothing', function (): void {
    PerfexStub::$admins = [1];
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['badges' => []]));
    render_ticket_list(ticket_rows(3), 'tblclients');
    render_ticket_list(ticket_rows(3), 'othertickets');
    assert_same(0, count($server->requests()), 'requests');
    // Tolerated shapes of the tickets table's name.
    $tickets = Sla_vigil_subject::ticket();
    foreach (['tbltickets', 'FROM `tbltickets`', ' TBLTICKETS t LEFT JOIN tbldepartments d'] as $table) {
        assert_true($tickets->isListTable(['table' => $table]), $table);
    }
    assert_true(!$tickets->isListTable(['limit' => '']), 'no table');
    assert_true(!$tickets->isListTable('tbltickets'), 'not an array');
    assert_true(!$tickets->isListTable(['table' => 'tblleads']), 'the leads table');
});

test('ticket list: at most 500 ids, each once, and none sent for an empty page', function (): void {
    PerfexStub::$admins = [1];
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['badges' => []]));
    render_ticket_list([]);
    assert_same(0, count($server->requests()), 'empty page');
    render_ticket_list(array_merge(ticket_rows(600), ticket_rows(2)));
    assert_same(500, count(json_decode($server->requests()[0]['body'], true)['ticket_ids']), 'ids sent');
});

test('ticket list: service down adds nothing, returns within 1.5 s, logs once for the page', function (): void {
    PerfexStub::$admins = [1];
    update_option('sla_vigil_service_url', 'http://127.0.0.1:' . free_port());
    update_option('sla_vigil_secret', SECRET);
    $started = microtime(true);
    $cells = render_ticket_list(ticket_rows(25));
    $elapsed = microtime(true) - $started;
    assert_true($elapsed < 1.5, "took {$elapsed}s");
    foreach ($cells as $id => $row) {
        assert_same(ticket_cells(['ticketid' => (string) $id]), $row, "row $id");
    }
    assert_same(1, count(logged_errors()), 'logged once');
    assert_true(str_contains(logged_errors()[0], 'could not fetch /bridge/ticket-list'), logged_errors()[0]);
    assert_no_secret_logged();
});

test('ticket list: a service that never answers is given up after about 1.5 s', function (): void {
    PerfexStub::$admins = [1];
    $silent = stream_socket_server('tcp://127.0.0.1:0');
    update_option('sla_vigil_service_url', 'http://' . stream_socket_get_name($silent, false));
    update_option('sla_vigil_secret', SECRET);
    $started = microtime(true);
    $cells = render_ticket_list(ticket_rows(3));
    $elapsed = microtime(true) - $started;
    fclose($silent);
    assert_true($elapsed >= 1.4 && $elapsed < 2.1, "took {$elapsed}s");
    assert_same(ticket_cells(['ticketid' => '101']), $cells[101], 'row unchanged');
});

test('ticket list: a refusal (401) or a malformed answer adds nothing', function (): void {
    PerfexStub::$admins = [1];
    $server = paired_with_capture(401);
    $cells = render_ticket_list(ticket_rows(2));
    assert_same(ticket_cells(['ticketid' => '101']), $cells[101], 'after 401');
    assert_true(str_contains(logged_errors()[0] ?? '', 'HTTP 401'), 'logged');
    Sla_vigil_fragments::reset();
    $server->answer(200, ['Content-Type' => 'application/json'], '{"badges": "nope"}');
    $cells = render_ticket_list(ticket_rows(2));
    assert_same(ticket_cells(['ticketid' => '101']), $cells[101], 'after a malformed answer');
});

test('ticket view: tab link and pane printed from one signed request', function (): void {
    PerfexStub::$admins = [1];
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['title' => 'SLA & clocks', 'html' => '<div class="sv-panel">clocks</div>']));
    // single.php hands the ticket object; the id comes as MySQL's string.
    $ticket = (object) ['ticketid' => '12', 'subject' => 'Printer'];
    $link = captured_output(fn () => hooks()->do_action('after_admin_single_ticket_tab_menu_last_item', $ticket));
    $pane = captured_output(fn () => hooks()->do_action('after_admin_single_ticket_tab_menu_last_content', $ticket));
    assert_same('<li role="presentation"><a href="#sla_vigil" aria-controls="sla_vigil" role="tab" data-toggle="tab">SLA &amp; clocks</a></li>', $link, 'tab link');
    assert_same('<div role="tabpanel" class="tab-pane" id="sla_vigil"><div class="sv-panel">clocks</div></div>', $pane, 'tab pane');
    $requests = $server->requests();
    assert_same(1, count($requests), 'requests for the page view');
    assert_fragment_request($requests[0], '/bridge/ticket-panel', ['staff_id' => 1, 'language' => 'english', 'admin_base' => '/admin/', 'ticket_id' => 12]);
});

test('ticket view: an array ticket works too; nothing printed when the service says nothing to show', function (): void {
    PerfexStub::$admins = [1];
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['title' => null, 'html' => '']));
    $ticket = ['ticketid' => 13];
    $output = captured_output(function () use ($ticket): void {
        hooks()->do_action('after_admin_single_ticket_tab_menu_last_item', $ticket);
        hooks()->do_action('after_admin_single_ticket_tab_menu_last_content', $ticket);
    });
    assert_same('', $output, 'output');
    assert_same(1, count($server->requests()), 'one request');
    assert_same(13, json_decode($server->requests()[0]['body'], true)['ticket_id'], 'ticket id');
});

test('ticket view: nothing printed and no request without View; nothing printed when the service is down', function (): void {
    PerfexStub::$staffId = 7;
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['title' => 'SLA', 'html' => '<p>x</p>']));
    $ticket = (object) ['ticketid' => '12'];
    $output = captured_output(function () use ($ticket): void {
        hooks()->do_action('after_admin_single_ticket_tab_menu_last_item', $ticket);
        hooks()->do_action('after_admin_single_ticket_tab_menu_last_content', $ticket);
    });
    assert_same('', $output, 'output without View');
    assert_same(0, count($server->requests()), 'requests without View');

    Sla_vigil_fragments::reset(); // the next page view
    PerfexStub::$admins = [7];
    update_option('sla_vigil_service_url', 'http://127.0.0.1:' . free_port());
    $started = microtime(true);
    $output = captured_output(function () use ($ticket): void {
        hooks()->do_action('after_admin_single_ticket_tab_menu_last_item', $ticket);
        hooks()->do_action('after_admin_single_ticket_tab_menu_last_content', $ticket);
    });
    assert_same('', $output, 'output with the service down');
    assert_true(microtime(true) - $started < 1.5, 'fast');
    assert_same(1, count(logged_errors()), 'logged once for both hooks');
});

test('home dashboard: the widget is added only for staff with View', function (): void {
    $existing = [['path' => 'admin/dashboard/widgets/todos', 'container' => 'left-8']];
    PerfexStub::$staffId = 7;
    assert_same($existing, hooks()->apply_filters('get_dashboard_widgets', $existing), 'without View');
    PerfexStub::grant(7, 'sla_vigil', 'view');
    assert_same(
        array_merge($existing, [['path' => 'sla_vigil/widgets/my_risks', 'container' => 'top-12']]),
        hooks()->apply_filters('get_dashboard_widgets', $existing),
        'with View'
    );
});

test('home dashboard: the widget view prints a panel from one signed request, or nothing', function (): void {
    PerfexStub::$admins = [1];
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['title' => 'My SLA risks', 'html' => '<ul class="sv-my-risks"><li>#12</li></ul>']));
    $html = render_widget_view();
    assert_in_order($html, ['<div class="widget"', 'class="panel_s"', 'My SLA risks', '<ul class="sv-my-risks"><li>#12</li></ul>', '</div>']);
    assert_fragment_request($server->requests()[0], '/bridge/widget/my-risks', ['staff_id' => 1, 'language' => 'english', 'admin_base' => '/admin/']);

    $server->reset();
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['title' => 'My SLA risks', 'html' => '']));
    assert_same('', trim(render_widget_view()), 'nothing to show');

    PerfexStub::$admins = [];
    $server->reset();
    assert_same('', trim(render_widget_view()), 'without View');
    assert_same(0, count($server->requests()), 'no request without View');

    PerfexStub::$admins = [1];
    update_option('sla_vigil_service_url', 'http://127.0.0.1:' . free_port());
    assert_same('', trim(render_widget_view()), 'service down');
});
