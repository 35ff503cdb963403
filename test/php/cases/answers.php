<?php

declare(strict_types=1);

// The service's answers are used only when signed for the request's nonce
// (X-SLA-Vigil-Answer-Signature): the list filter's condition goes into Perfex's SQL and the
// fragments and pages into its admin HTML. Whoever else answers on the service's address (a
// local user on 127.0.0.1:3000 while the service is down, anyone on the path of http://) is
// treated like a service that is not there.

/** An answer that would do harm if it were used. */
const HOSTILE_CONDITION = '1 = 1 OR (SELECT SLEEP(5))';
const HOSTILE_HTML = '<script>steal()</script>';

/** The ways an answer can fail its signature (CaptureServer::signing). */
const UNSIGNED_MODES = ['none', 'wrong', 'other-nonce'];

/** A new Perfex request: the module forgets its fragments, conditions and a service found down. */
function fresh_request(): void
{
    PerfexStub::reset();
    Sla_vigil_fragments::reset();
    Sla_vigil_list_filter::reset();
    Sla_vigil_client::reset();
    PerfexStub::$admins = [1];
}

function assert_unsigned_logged(string $mode): void
{
    $errors = logged_errors();
    assert_true(
        count($errors) >= 1 && str_contains($errors[0], 'the answer is not signed by the SLA Vigil service'),
        "$mode: logged as unsigned, got " . var_export($errors, true)
    );
    assert_no_secret_logged();
}

test('answer signature: the PHP signer matches the known vector of the service', function (): void {
    $signer = new Sla_vigil_signer(SECRET);
    assert_same('sha256=' . VECTOR_ANSWER_SIG, $signer->answerSignature(VECTOR_NONCE, 200, VECTOR_ANSWER_BODY), 'vector');
    assert_true($signer->answerIsSigned('sha256=' . VECTOR_ANSWER_SIG, VECTOR_NONCE, 200, VECTOR_ANSWER_BODY), 'accepted');
    assert_true(!$signer->answerIsSigned(null, VECTOR_NONCE, 200, VECTOR_ANSWER_BODY), 'missing');
    assert_true(!$signer->answerIsSigned('sha256=' . VECTOR_ANSWER_SIG, VECTOR_NONCE, 201, VECTOR_ANSWER_BODY), 'other status');
    assert_true(!$signer->answerIsSigned('sha256=' . VECTOR_ANSWER_SIG, str_repeat('0', 32), 200, VECTOR_ANSWER_BODY), 'other nonce');
    assert_true(!$signer->answerIsSigned('sha256=' . VECTOR_ANSWER_SIG, VECTOR_NONCE, 200, VECTOR_ANSWER_BODY . ' '), 'other body');
});

test('answer signature: the list filter uses a signed condition, 1 = 0 for any other', function (): void {
    PerfexStub::$admins = [1];
    foreach (UNSIGNED_MODES as $mode) {
        fresh_request();
        $server = paired_with_capture(200);
        $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['condition' => HOSTILE_CONDITION]));
        $server->signing($mode);
        assert_same('1 = 0', sla_rule()->condition('breached'), "$mode: condition");
        assert_same(1, count($server->requests()), "$mode: asked once");
        assert_unsigned_logged($mode);
    }
    fresh_request();
    $server = paired_with_capture(200);
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['condition' => SLA_CONDITION]));
    assert_same(SLA_CONDITION, sla_rule()->condition('breached'), 'signed: used');
    assert_same([], logged_errors(), 'signed: no error');
});

test('answer signature: ticket-list badges from an unsigned answer are not rendered', function (): void {
    foreach (UNSIGNED_MODES as $mode) {
        fresh_request();
        $server = paired_with_capture();
        $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['badges' => ['101' => HOSTILE_HTML]]));
        $server->signing($mode);
        $cells = render_ticket_list(ticket_rows(2));
        assert_same(ticket_cells(['ticketid' => '101']), $cells[101], "$mode: row as without the module");
        assert_unsigned_logged($mode);
    }
    fresh_request();
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['badges' => ['101' => BADGE]]));
    $cells = render_ticket_list(ticket_rows(2));
    assert_same('<span class="label ticket-status-1">Open</span> ' . BADGE, $cells[101][7], 'signed: badge shown');
});

test('answer signature: a page answer not signed for its request shows the 502 page, never its HTML', function (): void {
    foreach (UNSIGNED_MODES as $mode) {
        fresh_request();
        $server = paired_with_capture();
        $server->answer(200, ['Content-Type' => 'text/html; charset=utf-8', 'X-SLA-Vigil-Fragment' => '1'], HOSTILE_HTML);
        $server->signing($mode);
        $page = open_page('GET', 'admin/sla_vigil/monitor');
        assert_same(502, $page['status'], "$mode: status");
        assert_true(!str_contains((string) $page['output'], 'steal()'), "$mode: answer not shown");
        assert_true(str_contains((string) $page['output'], 'The SLA Vigil service is not reachable at ' . $server->url()), "$mode: message");
        assert_unsigned_logged($mode);
    }
    fresh_request();
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'text/html; charset=utf-8', 'X-SLA-Vigil-Fragment' => '1'], '<h1>Monitor</h1>');
    $page = open_page('GET', 'admin/sla_vigil/monitor');
    assert_same(200, $page['status'], 'signed: status');
    assert_true(str_contains((string) $page['output'], '<h1>Monitor</h1>'), 'signed: shown');
});

test('answer signature: a redirect or CSV that is not signed is not followed or passed on', function (): void {
    PerfexStub::$admins = [1];
    $server = paired_with_capture();
    $server->answer(303, ['Location' => '/admin/sla_vigil/settings'], '');
    $server->signing('none');
    assert_same(502, open_page('POST', 'admin/sla_vigil/settings', '', 'a=1', 'application/x-www-form-urlencoded')['status'], 'redirect');
    fresh_request();
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'text/csv; charset=utf-8'], "a,b\n");
    $server->signing('other-nonce');
    assert_same(502, open_page('GET', 'admin/sla_vigil/reports/export.csv')['status'], 'csv');
});

test('answer signature: an event whose answer is not signed is logged as a failure', function (): void {
    foreach (UNSIGNED_MODES as $mode) {
        fresh_request();
        $server = paired_with_capture();
        $server->signing($mode);
        hooks()->do_action('ticket_created', 12);
        assert_same(1, count($server->requests()), "$mode: sent once");
        assert_unsigned_logged($mode);
    }
    fresh_request();
    paired_with_capture();
    hooks()->do_action('ticket_created', 12);
    assert_same([], logged_errors(), 'signed: no error');
});

test('answer signature: host actions from an unsigned claim are not applied', function (): void {
    seed_perfex_rows();
    $server = paired_with_capture();
    $server->offerActions([['id' => 31, 'ticket_id' => 12, 'type' => 'assign', 'value' => 5, 'note' => NOTE]]);
    $server->signing('wrong');
    hooks()->do_action('after_cron_run', false);
    assert_same(0, ticket_row(12)['assigned'], 'not assigned');
    assert_same([], get_instance()->db->tables['tblnotifications'] ?? [], 'no notification');
    $paths = array_map(fn (array $r): string => $r['path'], without_mail_settings($server->requests()));
    assert_true(!in_array('/bridge/host-actions/report', $paths, true), 'nothing reported');
});

test('page proxy: only GET, HEAD and POST are forwarded; others answer 405 without calling the service', function (): void {
    foreach (['PUT', 'DELETE', 'PATCH', 'OPTIONS'] as $method) {
        fresh_request();
        $server = paired_with_capture();
        $page = open_page($method, 'admin/sla_vigil/settings', '', 'a=1', 'application/x-www-form-urlencoded');
        assert_same(405, $page['status'], "$method: status");
        assert_same(0, count($server->requests()), "$method: nothing sent");
    }
    fresh_request();
    $server = paired_with_capture();
    $server->answer(200, ['Content-Type' => 'text/html; charset=utf-8', 'X-SLA-Vigil-Fragment' => '1'], '<h1>x</h1>');
    assert_same(200, open_page('HEAD', 'admin/sla_vigil')['status'], 'HEAD forwarded');
    assert_same('HEAD', $server->requests()[0]['method'] ?? null, 'HEAD sent');
});
