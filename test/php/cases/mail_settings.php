<?php

declare(strict_types=1);

// After every cron run the module pushes Perfex's email settings (Setup > Settings > Email) to
// the service, signed, with the SMTP password decrypted; the password never reaches a log line.

const SMTP_PASSWORD = 'pa55-W0rd!with"quote';

/** Perfex's email settings as its options hold them (the password encrypted with the install's key). */
function perfex_email_options(string $storedPassword): void
{
    update_option('email_protocol', 'smtp');
    update_option('smtp_host', ' mail.example.com ');
    update_option('smtp_port', '587');
    update_option('smtp_email', 'helpdesk@example.com');
    update_option('smtp_username', 'helpdesk@example.com');
    update_option('smtp_encryption', 'tls');
    update_option('smtp_password', $storedPassword);
    update_option('companyname', 'Acme Support');
}

/** The mail settings request of one cron run: signed for its own path, sent after the event. */
function cron_mail_settings_request(CaptureServer $server): array
{
    hooks()->do_action('after_cron_run', false);
    $requests = without_host_actions($server->requests());
    assert_same(2, count($requests), 'requests of one cron run');
    assert_same('/bridge/events', $requests[0]['path'], 'the cron event goes first');
    $request = $requests[1];
    assert_same('POST', $request['method'], 'method');
    assert_same('/bridge/mail-settings', $request['path'], 'path');
    $h = $request['headers'];
    $expected = 'sha256=' . hash_hmac(
        'sha256',
        "POST\n/bridge/mail-settings\n" . $h['x-sla-vigil-timestamp'] . "\n" . $h['x-sla-vigil-nonce'] . "\n" . $request['body'],
        SECRET
    );
    assert_same($expected, $h['x-sla-vigil-signature'] ?? null, 'signature');

    return json_decode($request['body'], true, 8, JSON_THROW_ON_ERROR);
}

/** The cron run's host action claim is another case's subject (cases/host_actions.php). */
function without_host_actions(array $requests): array
{
    return array_values(array_filter($requests, fn (array $r): bool => !str_starts_with($r['path'], '/bridge/host-actions/')));
}

function assert_password_never_logged(string ...$values): void
{
    foreach (PerfexStub::$log as [, $message]) {
        foreach ([SMTP_PASSWORD, StubEncryption::encrypt(SMTP_PASSWORD), ...$values] as $value) {
            assert_true(!str_contains($message, $value), 'password in log: ' . $message);
        }
    }
}

test('after_cron_run pushes the email settings from the options, the password decrypted', function (): void {
    $server = paired_with_capture();
    perfex_email_options(StubEncryption::encrypt(SMTP_PASSWORD));
    assert_same([
        'protocol'   => 'smtp',
        'host'       => 'mail.example.com',
        'port'       => 587,
        'encryption' => 'tls',
        'username'   => 'helpdesk@example.com',
        'password'   => SMTP_PASSWORD,
        'from_email' => 'helpdesk@example.com',
        'from_name'  => 'Acme Support',
    ], cron_mail_settings_request($server), 'pushed settings');
    assert_same(['encryption'], get_instance()->load->libraries, 'the encryption library, loaded on demand');
    assert_same([], PerfexStub::$log, 'nothing logged');
});

test('the encryption library Perfex already loaded is used as it is', function (): void {
    $server = paired_with_capture();
    perfex_email_options(StubEncryption::encrypt(SMTP_PASSWORD));
    get_instance()->encryption = new StubEncryption();
    assert_same(SMTP_PASSWORD, cron_mail_settings_request($server)['password'], 'password');
    assert_same([], get_instance()->load->libraries, 'not loaded again');
});

test("a password that does not decrypt with the install's key: pushed without it, logged why", function (): void {
    $server = paired_with_capture();
    perfex_email_options('not-encrypted-with-this-key');
    $settings = cron_mail_settings_request($server);
    assert_same('', $settings['password'], 'no password sent');
    assert_same('helpdesk@example.com', $settings['username'], 'the rest is sent');
    assert_same(1, count(logged_errors()), 'one line');
    assert_true(str_contains(logged_errors()[0], 'without the SMTP password'), logged_errors()[0]);
    assert_password_never_logged('not-encrypted-with-this-key');
});

test('decrypt throwing: pushed without the password, the log names the exception class only', function (): void {
    $server = paired_with_capture();
    perfex_email_options(StubEncryption::encrypt(SMTP_PASSWORD));
    StubEncryption::$throws = true;
    assert_same('', cron_mail_settings_request($server)['password'], 'no password sent');
    assert_true(str_contains(logged_errors()[0] ?? '', 'decrypting it failed (RuntimeException)'), logged_errors()[0] ?? 'nothing logged');
    assert_password_never_logged();
});

test("Perfex's 'mail' protocol, no port, no SMTP settings: sent as they are, the service decides", function (): void {
    $server = paired_with_capture();
    update_option('email_protocol', 'Mail');
    update_option('smtp_port', 'abc');
    assert_same([
        'protocol'   => 'mail',
        'host'       => '',
        'port'       => 0,
        'encryption' => '',
        'username'   => '',
        'password'   => '',
        'from_email' => '',
        'from_name'  => '',
    ], cron_mail_settings_request($server), 'pushed settings');
    assert_same([], get_instance()->load->libraries, 'no password, nothing to decrypt');
});

test('a refused push (422) is logged with the field only, never the answer or the password', function (): void {
    $server = paired_with_capture();
    perfex_email_options(StubEncryption::encrypt(SMTP_PASSWORD));
    $server->answer(422, ['Content-Type' => 'application/json'], '{"error":"Invalid option","field":"encryption"}');
    hooks()->do_action('after_cron_run', false);
    assert_same(2, count(without_host_actions($server->requests())), 'both sent');
    $lines = array_values(array_filter(logged_errors(), fn (string $l): bool => str_contains($l, 'mail settings')));
    assert_same(['SLA Vigil: mail settings: service answered HTTP 422 (field encryption)'], $lines, 'log line');
    assert_password_never_logged();
});

test('service down: the cron event fails once, the push is skipped, the cron goes on', function (): void {
    update_option('sla_vigil_service_url', 'http://127.0.0.1:' . free_port());
    update_option('sla_vigil_secret', SECRET);
    perfex_email_options(StubEncryption::encrypt(SMTP_PASSWORD));
    $started = microtime(true);
    hooks()->do_action('after_cron_run', false);
    assert_true(microtime(true) - $started < 1.2, 'returns within the forward timeout');
    assert_same(1, count(logged_errors()), 'the failed event only');
    assert_password_never_logged();
});

test('the SMTP password goes only over https or to this machine; a plain http URL elsewhere gets none, and the log says why', function (): void {
    foreach ([
        'http://127.0.0.1:3000' => true, 'http://localhost:3000' => true, 'http://[::1]:3000' => true,
        'https://sla.example.com' => true, 'http://10.0.0.5:3000' => false, 'http://sla.example.com' => false,
        'http://127.0.0.1.evil.test' => false, '' => false,
    ] as $url => $private) {
        assert_same($private, Sla_vigil_mail_settings::privateChannel($url), 'private channel: ' . $url);
    }
    update_option('sla_vigil_service_url', 'http://10.0.0.5:3000');
    update_option('smtp_password', StubEncryption::encrypt(SMTP_PASSWORD));
    assert_same('', Sla_vigil_mail_settings::settings()['password'], 'no password');
    assert_true(str_contains(implode("\n", logged_errors()), 'neither https nor this machine'), 'said why');
    assert_password_never_logged();
});
