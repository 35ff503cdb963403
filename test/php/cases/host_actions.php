<?php

declare(strict_types=1);

// Escalation host actions: on Perfex's cron, after the cron event, the module claims what the
// service decided, applies each through Perfex (the tickets row, the assignee's notification,
// the activity line, ticket_settings_updated) and reports every result in one call.

/** A Perfex tickets row and two staff members, one inactive. */
function seed_perfex_rows(): void
{
    get_instance()->db->tables = [
        'tbltickets' => [[
            'ticketid' => 12, 'assigned' => 0, 'department' => 1, 'priority' => 1, 'status' => 1,
            'userid' => 7, 'contactid' => 9, 'service' => null, 'subject' => 'Printer on fire',
        ]],
        'tblstaff' => [['staffid' => 5, 'active' => 1], ['staffid' => 6, 'active' => 0]],
        'tblleads' => [[
            'id' => 12, 'name' => 'Acme', 'status' => 2, 'source' => 1, 'country' => 0,
            'assigned' => 6, 'dateassigned' => '2026-01-02', 'lost' => 0, 'junk' => 0,
        ]],
    ];
}

function lead_row(int $id): ?array
{
    return get_instance()->db->where('id', $id)->get('tblleads')->row_array();
}

function ticket_row(int $id): ?array
{
    return get_instance()->db->where('ticketid', $id)->get('tbltickets')->row_array();
}

/** Runs Perfex's cron with these actions on offer; returns the requests the service got. */
function cron_with_actions(array $actions): array
{
    $server = paired_with_capture();
    $server->offerActions($actions);
    hooks()->do_action('after_cron_run', false);

    return without_mail_settings($server->requests());
}

/** The cron run's mail settings push is another case's subject (cases/mail_settings.php). */
function without_mail_settings(array $requests): array
{
    return array_values(array_filter($requests, fn (array $r): bool => $r['path'] !== '/bridge/mail-settings'));
}

/** The request to this path (exactly one). */
function request_to(array $requests, string $path): array
{
    $found = array_values(array_filter($requests, fn (array $r): bool => $r['path'] === $path));
    assert_same(1, count($found), "requests to $path");

    return $found[0];
}

function assert_signed_for(array $request): void
{
    $h = $request['headers'];
    $expected = 'sha256=' . hash_hmac(
        'sha256',
        "POST\n" . $request['path'] . "\n" . $h['x-sla-vigil-timestamp'] . "\n" . $h['x-sla-vigil-nonce'] . "\n" . $request['body'],
        SECRET
    );
    assert_same($expected, $h['x-sla-vigil-signature'] ?? null, $request['path'] . ' signature');
}

/** Runs $fn with an extra listener on ticket_settings_updated, removed afterwards (hooks() lives for the whole run). */
function with_settings_listener(callable $listener, callable $fn): void
{
    $before = hooks()->actions['ticket_settings_updated'] ?? [];
    hooks()->add_action('ticket_settings_updated', $listener, 20, 1);
    try {
        $fn();
    } finally {
        hooks()->actions['ticket_settings_updated'] = $before;
    }
}

const NOTE = 'SLA Vigil escalation level 1 (resolution): reassigned to staff 5';

test('assign: the column is set, the new assignee notified, the activity logged, the settings hook fired, ok reported', function (): void {
    seed_perfex_rows();
    $requests = cron_with_actions([['id' => 31, 'ticket_id' => 12, 'type' => 'assign', 'value' => 5, 'note' => NOTE]]);
    assert_same(
        ['/bridge/events', '/bridge/host-actions/claim', '/bridge/events', '/bridge/host-actions/report'],
        array_map(fn (array $r): string => $r['path'], $requests),
        'the cron event, the claim, the settings hook forwarded, the report'
    );
    assert_same(5, ticket_row(12)['assigned'], 'assigned');
    assert_same(1, ticket_row(12)['priority'], 'nothing else changed');
    $notifications = get_instance()->db->tables['tblnotifications'] ?? [];
    assert_same(1, count($notifications), 'notifications');
    assert_same(5, $notifications[0]['touserid'], 'to the new assignee');
    assert_same('tickets/ticket/12', $notifications[0]['link'], 'relative admin link');
    assert_same(NOTE, $notifications[0]['description'], 'description');
    assert_same([NOTE . ' (ticket 12)'], PerfexStub::$activity, 'activity line');
    assert_same(
        '{"event":"ticket_settings_updated","payload":{"ticket_id":12,"original":{"assigned":0,"department":1,"priority":1,"status":1,"userid":7,"contactid":9,"service":null},"data":{"assigned":5}}}',
        $requests[2]['body'],
        'our own listener saw the change'
    );
    $report = $requests[3];
    assert_signed_for($report);
    assert_signed_for($requests[1]);
    assert_same('{"results":[{"id":31,"ok":true}]}', $report['body'], 'report');
    assert_same([], logged_errors(), 'errors');
});

test('department and priority: the one column each, no notification, each change forwarded with the row before it', function (): void {
    seed_perfex_rows();
    $requests = cron_with_actions([
        ['id' => 32, 'ticket_id' => 12, 'type' => 'department', 'value' => 4, 'note' => 'moved'],
        ['id' => 33, 'ticket_id' => 12, 'type' => 'priority', 'value' => 3, 'note' => 'raised'],
    ]);
    assert_same([4, 3, 0], [ticket_row(12)['department'], ticket_row(12)['priority'], ticket_row(12)['assigned']], 'row');
    assert_same([], get_instance()->db->tables['tblnotifications'] ?? [], 'no notification');
    $settings = [];
    foreach ($requests as $request) {
        $body = $request['path'] === '/bridge/events' ? json_decode($request['body'], true) : null;
        if (is_array($body) && $body['event'] === 'ticket_settings_updated') {
            $settings[] = $body['payload'];
        }
    }
    // Each change goes to the service with the row as it was before it.
    assert_same([[['department' => 4], 1, 1], [['priority' => 3], 4, 1]], array_map(
        fn (array $p): array => [$p['data'], $p['original']['department'], $p['original']['priority']],
        $settings
    ), 'forwarded changes');
    assert_same('{"results":[{"id":32,"ok":true},{"id":33,"ok":true}]}', request_to($requests, '/bridge/host-actions/report')['body'], 'report');
});

test('a value the ticket already has: no UPDATE, no notification, no hook, still ok', function (): void {
    seed_perfex_rows();
    get_instance()->db->tables['tbltickets'][0]['assigned'] = '5';
    get_instance()->db->statements = [];
    $requests = cron_with_actions([['id' => 34, 'ticket_id' => 12, 'type' => 'assign', 'value' => 5, 'note' => NOTE]]);
    $updates = array_filter(get_instance()->db->statements, fn (string $s): bool => str_starts_with($s, 'UPDATE'));
    assert_same([], array_values($updates), 'updates');
    assert_same([], get_instance()->db->tables['tblnotifications'] ?? [], 'notifications');
    assert_same(3, count($requests), 'no settings event');
    assert_same('{"results":[{"id":34,"ok":true}]}', $requests[2]['body'], 'report');
});

test('a deleted ticket and an unreadable action are reported as errors; one without an id is skipped', function (): void {
    seed_perfex_rows();
    $requests = cron_with_actions([
        ['id' => 35, 'ticket_id' => 99, 'type' => 'assign', 'value' => 5, 'note' => NOTE],
        ['id' => 36, 'ticket_id' => 12, 'type' => 'close', 'value' => 5, 'note' => NOTE],
        ['ticket_id' => 12, 'type' => 'assign', 'value' => 5, 'note' => NOTE],
    ]);
    assert_same(
        '{"results":[{"id":35,"ok":false,"error":"ticket is gone"},{"id":36,"ok":false,"error":"the module cannot read this action"}]}',
        request_to($requests, '/bridge/host-actions/report')['body'],
        'report'
    );
    assert_same(0, ticket_row(12)['assigned'], 'untouched');
    assert_same(1, count(logged_errors()), 'the action without an id is logged');
});

test('Perfex\'s own ticket_settings_updated is not fired from the cron (other modules expect it from the settings tab only)', function (): void {
    seed_perfex_rows();
    $heard = 0;
    $requests = [];
    with_settings_listener(function () use (&$heard): void {
        $heard++;
    }, function () use (&$requests): void {
        $requests = cron_with_actions([['id' => 37, 'ticket_id' => 12, 'type' => 'assign', 'value' => 5, 'note' => NOTE]]);
    });
    assert_same(5, ticket_row(12)['assigned'], 'assigned');
    assert_same(0, $heard, 'no listener called');
    assert_same('{"results":[{"id":37,"ok":true}]}', request_to($requests, '/bridge/host-actions/report')['body'], 'report');
});

test('no actions: nothing applied, no report', function (): void {
    seed_perfex_rows();
    $requests = cron_with_actions([]);
    assert_same(2, count($requests), 'the event and the claim');
    assert_same([], logged_errors(), 'errors');
});

test('a refused claim (HTTP 401) is logged without the secret; nothing applied', function (): void {
    seed_perfex_rows();
    $server = paired_with_capture(401);
    $server->offerActions([['id' => 38, 'ticket_id' => 12, 'type' => 'assign', 'value' => 5, 'note' => NOTE]]);
    hooks()->do_action('after_cron_run', false);
    assert_same(0, ticket_row(12)['assigned'], 'untouched');
    assert_same(2, count(without_mail_settings($server->requests())), 'the event and the claim, no report');
    assert_true(str_contains(logged_errors()[1] ?? '', 'host-actions/claim: service answered HTTP 401'), logged_errors()[1] ?? '');
    assert_no_secret_logged();
});

test('service down: the cron returns within the forward timeout, with no claim and one error', function (): void {
    seed_perfex_rows();
    update_option('sla_vigil_service_url', 'http://127.0.0.1:' . free_port());
    update_option('sla_vigil_secret', SECRET);
    $started = microtime(true);
    hooks()->do_action('after_cron_run', false);
    $elapsed = microtime(true) - $started;
    assert_true($elapsed < 1.2, "took {$elapsed}s");
    assert_same(1, count(logged_errors()), 'one error');
    assert_same(0, ticket_row(12)['assigned'], 'untouched');
});

const LEAD_NOTE = 'SLA Vigil escalation level 1 (status_time): reassigned to staff 5';

test('a lead assign: assigned and dateassigned set, the new owner notified, after_lead_updated forwarded, ok reported; the ticket with the same id untouched', function (): void {
    seed_perfex_rows();
    $requests = cron_with_actions([
        ['id' => 41, 'subject_type' => 'lead', 'lead_id' => 12, 'type' => 'assign', 'value' => 5, 'note' => LEAD_NOTE],
    ]);
    assert_same(
        ['/bridge/events', '/bridge/host-actions/claim', '/bridge/events', '/bridge/host-actions/report'],
        array_map(fn (array $r): string => $r['path'], $requests),
        'the cron event, the claim, the lead update forwarded, the report'
    );
    assert_same(5, lead_row(12)['assigned'], 'assigned');
    assert_same(date('Y-m-d'), lead_row(12)['dateassigned'], 'dateassigned is today');
    assert_same(2, lead_row(12)['status'], 'nothing else changed');
    assert_same(0, ticket_row(12)['assigned'], 'the ticket 12 is not the lead 12');
    $notifications = get_instance()->db->tables['tblnotifications'] ?? [];
    assert_same(1, count($notifications), 'notifications');
    assert_same(5, $notifications[0]['touserid'], 'to the new owner');
    assert_same('leads/index/12', $notifications[0]['link'], 'relative admin link to the lead');
    assert_same([LEAD_NOTE . ' (lead 12)'], PerfexStub::$activity, 'activity line');
    assert_same('{"event":"after_lead_updated","payload":{"lead_id":12}}', $requests[2]['body'], 'forwarded');
    assert_same('{"results":[{"id":41,"ok":true}]}', $requests[3]['body'], 'report');
    assert_same([], logged_errors(), 'errors');
});

test('a lead already with that owner: no UPDATE, no notification, no event, still ok', function (): void {
    seed_perfex_rows();
    get_instance()->db->tables['tblleads'][0]['assigned'] = '5';
    get_instance()->db->statements = [];
    $requests = cron_with_actions([
        ['id' => 42, 'subject_type' => 'lead', 'lead_id' => 12, 'type' => 'assign', 'value' => 5, 'note' => LEAD_NOTE],
    ]);
    $updates = array_filter(get_instance()->db->statements, fn (string $s): bool => str_starts_with($s, 'UPDATE'));
    assert_same([], array_values($updates), 'updates');
    assert_same('2026-01-02', lead_row(12)['dateassigned'], 'dateassigned kept');
    assert_same([], get_instance()->db->tables['tblnotifications'] ?? [], 'notifications');
    assert_same('{"results":[{"id":42,"ok":true}]}', request_to($requests, '/bridge/host-actions/report')['body'], 'report');
});

test('a deleted lead, a lead action other than assign and an unknown kind are reported as errors', function (): void {
    seed_perfex_rows();
    $requests = cron_with_actions([
        ['id' => 43, 'subject_type' => 'lead', 'lead_id' => 99, 'type' => 'assign', 'value' => 5, 'note' => LEAD_NOTE],
        ['id' => 44, 'subject_type' => 'lead', 'lead_id' => 12, 'type' => 'priority', 'value' => 3, 'note' => 'raised'],
        ['id' => 45, 'subject_type' => 'invoice', 'ticket_id' => 12, 'type' => 'assign', 'value' => 5, 'note' => NOTE],
        ['id' => 46, 'subject_type' => 'lead', 'ticket_id' => 12, 'type' => 'assign', 'value' => 5, 'note' => NOTE],
    ]);
    $unreadable = 'the module cannot read this action';
    assert_same(
        '{"results":[{"id":43,"ok":false,"error":"lead is gone"},{"id":44,"ok":false,"error":"' . $unreadable . '"},'
        . '{"id":45,"ok":false,"error":"' . $unreadable . '"},{"id":46,"ok":false,"error":"' . $unreadable . '"}]}',
        request_to($requests, '/bridge/host-actions/report')['body'],
        'report'
    );
    assert_same(6, lead_row(12)['assigned'], 'lead untouched');
    assert_same(0, ticket_row(12)['assigned'], 'ticket untouched');
});

test('a lead lost, junk or converted since the level fired is not handed to anyone: an error, no UPDATE, no bell', function (): void {
    foreach ([['lost', '1'], ['junk', '1'], ['date_converted', '2026-01-03 10:00:00']] as [$column, $value]) {
        seed_perfex_rows();
        get_instance()->db->tables['tblleads'][0][$column] = $value;
        get_instance()->db->statements = [];
        $requests = cron_with_actions([
            ['id' => 47, 'subject_type' => 'lead', 'lead_id' => 12, 'type' => 'assign', 'value' => 5, 'note' => LEAD_NOTE],
        ]);
        assert_same(
            '{"results":[{"id":47,"ok":false,"error":"lead is lost, junk or converted"}]}',
            request_to($requests, '/bridge/host-actions/report')['body'],
            $column . ': report'
        );
        $updates = array_filter(get_instance()->db->statements, fn (string $s): bool => str_starts_with($s, 'UPDATE'));
        assert_same([], array_values($updates), $column . ': updates');
        assert_same(6, lead_row(12)['assigned'], $column . ': owner kept');
        assert_same([], get_instance()->db->tables['tblnotifications'] ?? [], $column . ': notifications');
    }
});
