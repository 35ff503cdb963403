<?php

declare(strict_types=1);

// A hook must never break Perfex's request: dead service, slow service, refusals, bad
// arguments and a missing pairing all end in one logged error, without the secret.

/** Every hook with Perfex-shaped arguments. @return array<string, array> */
function every_hook(): array
{
    $_POST = ['ids' => ['1'], 'status' => '5'];

    return [
        'ticket_created'                    => [12],
        'after_ticket_reply_added'          => [['id' => '12', 'admin' => '3', 'replyid' => '4', 'data' => []]],
        'after_ticket_status_changed'       => [['id' => '12', 'status' => '4']],
        'ticket_settings_updated'           => [['ticket_id' => '12', 'original_ticket' => joined_original_ticket(), 'data' => ['priority' => '3']]],
        'before_do_bulk_action_for_tickets' => [],
        'after_ticket_deleted'              => ['12'],
        'after_cron_run'                    => [false],
    ];
}

function assert_no_secret_logged(): void
{
    foreach (PerfexStub::$log as [, $message]) {
        assert_true(!str_contains($message, SECRET), 'secret in log: ' . $message);
    }
}

test('service down (nothing listening): every hook returns fast, logs, never throws', function (): void {
    update_option('sla_vigil_service_url', 'http://127.0.0.1:' . free_port());
    update_option('sla_vigil_secret', SECRET);
    foreach (every_hook() as $tag => $args) {
        $started = microtime(true);
        hooks()->do_action($tag, ...$args);
        $elapsed = microtime(true) - $started;
        assert_true($elapsed < 1.2, "$tag took {$elapsed}s");
    }
    assert_same(7, count(logged_errors()), 'one error per hook');
    assert_true(str_contains(logged_errors()[0], 'SLA Vigil: could not forward ticket_created'), logged_errors()[0]);
    assert_no_secret_logged();
});

test('service accepts the connection but never answers: the hook gives up after about 1 s', function (): void {
    $silent = stream_socket_server('tcp://127.0.0.1:0');
    update_option('sla_vigil_service_url', 'http://' . stream_socket_get_name($silent, false));
    update_option('sla_vigil_secret', SECRET);
    $started = microtime(true);
    hooks()->do_action('after_ticket_status_changed', ['id' => '12', 'status' => '4']);
    $elapsed = microtime(true) - $started;
    fclose($silent);
    assert_true($elapsed >= 0.9 && $elapsed < 1.6, "took {$elapsed}s");
    assert_same(1, count(logged_errors()), 'logged once');
    assert_no_secret_logged();
});

test('a bulk delete against a silent service waits once, not once per ticket', function (): void {
    $silent = stream_socket_server('tcp://127.0.0.1:0');
    update_option('sla_vigil_service_url', 'http://' . stream_socket_get_name($silent, false));
    update_option('sla_vigil_secret', SECRET);
    $started = microtime(true);
    foreach (['12', '13', '14', '15', '16'] as $id) {
        hooks()->do_action('after_ticket_deleted', $id);
    }
    $elapsed = microtime(true) - $started;
    fclose($silent);
    assert_true($elapsed < 1.6, "took {$elapsed}s");
    assert_same(5, count(logged_errors()), 'one error per hook');
    assert_true(str_contains(logged_errors()[4], 'skipped: the service did not answer earlier'), logged_errors()[4]);
    assert_no_secret_logged();
});

test('a refusal (HTTP 401) is logged with the reason and swallowed', function (): void {
    $server = paired_with_capture(401);
    hooks()->do_action('ticket_created', 12);
    assert_same(1, count($server->requests()), 'sent once, no retry inside the request');
    assert_true(str_contains(logged_errors()[0] ?? '', 'HTTP 401'), 'logged status');
    assert_no_secret_logged();
});

test('a non-numeric id is refused: nothing sent, logged, no throw', function (): void {
    $server = paired_with_capture();
    hooks()->do_action('ticket_created', 'abc');
    hooks()->do_action('after_ticket_status_changed', 'not an array');
    hooks()->do_action('after_ticket_reply_added', ['id' => '12', 'replyid' => ['x']]);
    assert_same(0, count($server->requests()), 'requests');
    assert_same(3, count(logged_errors()), 'errors');
});

test('not paired (options missing): nothing sent, told to reactivate, no throw', function (): void {
    $server = paired_with_capture();
    update_option('sla_vigil_secret', '');
    hooks()->do_action('ticket_created', 12);
    assert_same(0, count($server->requests()), 'requests');
    assert_true(str_contains(logged_errors()[0] ?? '', 'reactivate'), 'hint');
});
