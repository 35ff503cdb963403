<?php

declare(strict_types=1);

// Each hook, fired with the argument shapes Perfex sends (strings from admin, ints
// elsewhere), reaches a real HTTP server as exactly the contract's JSON, correctly signed.

/** Checks method, path, headers and signature of a captured request; returns its body. */
function assert_signed_event(array $request): string
{
    assert_same('POST', $request['method'], 'method');
    assert_same('/bridge/events', $request['path'], 'path');
    $h = $request['headers'];
    assert_same('application/json', $h['content-type'] ?? null, 'content type');
    assert_true(preg_match('/^[0-9a-f]{32}$/', $h['x-sla-vigil-nonce'] ?? '') === 1, 'nonce');
    assert_true(abs((int) ($h['x-sla-vigil-timestamp'] ?? 0) - time()) <= 5, 'timestamp');
    $expected = 'sha256=' . hash_hmac(
        'sha256',
        "POST\n/bridge/events\n" . $h['x-sla-vigil-timestamp'] . "\n" . $h['x-sla-vigil-nonce'] . "\n" . $request['body'],
        SECRET
    );
    assert_same($expected, $h['x-sla-vigil-signature'] ?? null, 'signature');

    return $request['body'];
}

function assert_forwards(string $tag, array $args, string $expectedBody): void
{
    $body = assert_signed_event(fire_and_capture($tag, ...$args));
    assert_same($expectedBody, $body, "$tag body");
}

test('ticket_created: int from the portal, string from admin', function (): void {
    assert_forwards('ticket_created', [12], '{"event":"ticket_created","payload":{"ticket_id":12}}');
    assert_forwards('ticket_created', ['12'], '{"event":"ticket_created","payload":{"ticket_id":12}}');
});

test('after_ticket_reply_added: staff id string, NULL admin for a contact', function (): void {
    assert_forwards(
        'after_ticket_reply_added',
        [['data' => ['message' => 'Hi', 'status' => '3'], 'id' => '12', 'admin' => '3', 'replyid' => '40']],
        '{"event":"after_ticket_reply_added","payload":{"ticket_id":12,"reply_id":40,"admin":3}}'
    );
    assert_forwards(
        'after_ticket_reply_added',
        [['data' => ['message' => 'Thanks'], 'id' => 12, 'admin' => null, 'replyid' => 41]],
        '{"event":"after_ticket_reply_added","payload":{"ticket_id":12,"reply_id":41,"admin":null}}'
    );
});

test('after_ticket_status_changed: admin strings, contact reply int 1, cron int 5', function (): void {
    assert_forwards('after_ticket_status_changed', [['id' => '12', 'status' => '4']],
        '{"event":"after_ticket_status_changed","payload":{"ticket_id":12,"status":4}}');
    assert_forwards('after_ticket_status_changed', [['id' => 12, 'status' => 1]],
        '{"event":"after_ticket_status_changed","payload":{"ticket_id":12,"status":1}}');
    assert_forwards('after_ticket_status_changed', [['id' => '12', 'status' => 5]],
        '{"event":"after_ticket_status_changed","payload":{"ticket_id":12,"status":5}}');
});

/** A joined row like Perfex's, with the colliding names PERFEX.md warns about. */
function joined_original_ticket(): stdClass
{
    return (object) [
        'ticketid' => '12', 'assigned' => '0', 'department' => '1', 'priority' => '2', 'status' => '1',
        'userid' => '7', 'contactid' => '9', 'service' => null, 'subject' => 'Printer on fire',
        'name' => 'Medium', 'email' => 'contact@example.com',
        'password' => '$2a$08$abcdefghijklmnopqrstuuQ0123456789abcdefghijklmnopqrs',
        'two_factor_auth_code' => '123456', 'message' => 'It smokes', 'ticketkey' => 'k3y',
    ];
}

test('ticket_settings_updated forwards only the listed keys, never the joined row', function (): void {
    $args = [
        'ticket_id'       => '12',
        'original_ticket' => joined_original_ticket(),
        'data'            => ['department' => '2', 'priority' => '3', 'assigned' => '5', 'service' => '',
                              'subject' => 'Printer on fire', 'contactid' => '9', 'userid' => '7', 'tags' => 'x'],
    ];
    $body = assert_signed_event(fire_and_capture('ticket_settings_updated', $args));
    assert_same(
        '{"event":"ticket_settings_updated","payload":{"ticket_id":12,'
        . '"original":{"assigned":0,"department":1,"priority":2,"status":1,"userid":7,"contactid":9,"service":null},'
        . '"data":{"department":2,"priority":3,"assigned":5,"userid":7,"contactid":9,"service":null}}}',
        $body
    );
    foreach (['password', '$2a$08$', 'contact@example.com', '123456', 'two_factor', 'Medium', 'Printer', 'k3y'] as $secretish) {
        assert_true(!str_contains($body, $secretish), "body must not contain $secretish");
    }
});

test('ticket_settings_updated as an array row, service 0, empty data stays an object', function (): void {
    $original = (array) joined_original_ticket();
    $original['service'] = '0';
    assert_forwards('ticket_settings_updated', [['ticket_id' => 12, 'original_ticket' => $original, 'data' => []]],
        '{"event":"ticket_settings_updated","payload":{"ticket_id":12,'
        . '"original":{"assigned":0,"department":1,"priority":2,"status":1,"userid":7,"contactid":9,"service":0},"data":{}}}');
});

test('ticket_settings_updated: a select left on "none" posts \'\' (unassigning): forwarded as 0, not dropped', function (): void {
    $original = (array) joined_original_ticket();
    $original['assigned'] = '5';
    $original['contactid'] = null;
    assert_forwards('ticket_settings_updated', [['ticket_id' => '12', 'original_ticket' => $original, 'data' => ['assigned' => '', 'priority' => '3']]],
        '{"event":"ticket_settings_updated","payload":{"ticket_id":12,'
        . '"original":{"assigned":5,"department":1,"priority":2,"status":1,"userid":7,"contactid":0,"service":null},"data":{"priority":3,"assigned":0}}}');
});

test('before_do_bulk_action_for_tickets reads $_POST (no hook arguments)', function (): void {
    $_POST = ['ids' => ['3', '4', '9'], 'status' => '5', 'department' => '', 'priority' => '2', 'service' => '',
              'merge_tickets' => 'on', 'primary_ticket' => '3', 'mass_delete' => '0', 'csrf_token_name' => 'abc'];
    assert_forwards('before_do_bulk_action_for_tickets', [],
        '{"event":"before_do_bulk_action_for_tickets","payload":{"ids":[3,4,9],"status":5,"department":null,'
        . '"priority":2,"service":null,"merge":true,"primary_ticket":3,"mass_delete":false}}');

    $_POST = ['ids' => ['7'], 'mass_delete' => '1'];
    assert_forwards('before_do_bulk_action_for_tickets', [],
        '{"event":"before_do_bulk_action_for_tickets","payload":{"ids":[7],"status":null,"department":null,'
        . '"priority":null,"service":null,"merge":false,"primary_ticket":null,"mass_delete":true}}');
});

test('after_ticket_deleted: string id, per ticket', function (): void {
    assert_forwards('after_ticket_deleted', ['12'], '{"event":"after_ticket_deleted","payload":{"ticket_id":12}}');
});

test('after_cron_run: false from cron/CLI, true when run manually; then the host actions are claimed and the mail settings pushed', function (): void {
    foreach ([false, true] as $manually) {
        $server = paired_with_capture();
        hooks()->do_action('after_cron_run', $manually);
        $requests = $server->requests();
        assert_same(3, count($requests), 'the event, the claim, the mail settings');
        $expected = '{"event":"after_cron_run","payload":{"manually":' . ($manually ? 'true' : 'false') . '}}';
        assert_same($expected, assert_signed_event($requests[0]), 'event body');
        assert_same('/bridge/host-actions/claim', $requests[1]['path'], 'claim path');
        assert_same('{"limit":50}', $requests[1]['body'], 'claim body');
        assert_same('/bridge/mail-settings', $requests[2]['path'], 'mail settings path (cases/mail_settings.php)');
        assert_same([], logged_errors(), 'errors');
    }
});

test('a service URL with a path prefix is signed with the full path as sent', function (): void {
    $server = paired_with_capture();
    update_option('sla_vigil_service_url', $server->url() . '/sla/');
    hooks()->do_action('ticket_created', 5);
    $request = $server->requests()[0];
    assert_same('/sla/bridge/events', $request['path'], 'path');
    $h = $request['headers'];
    $expected = 'sha256=' . hash_hmac('sha256', "POST\n/sla/bridge/events\n{$h['x-sla-vigil-timestamp']}\n{$h['x-sla-vigil-nonce']}\n{$request['body']}", SECRET);
    assert_same($expected, $h['x-sla-vigil-signature'], 'signature over the prefixed path');
});
