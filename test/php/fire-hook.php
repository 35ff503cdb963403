<?php

declare(strict_types=1);

/*
 * Fires one Perfex hook through the real module against a real SLA Vigil service, for the
 * cross-language round trip in test/integration/perfex-bridge-roundtrip.test.ts:
 *   SLA_VIGIL_SERVICE_URL=... SLA_VIGIL_SECRET=... [SLA_VIGIL_POST='{"ids":["3"]}']
 *   [SLA_VIGIL_DB_URL=mysql://root@127.0.0.1:3306/db: $CI->db on that database, not in memory]
 *   [SLA_VIGIL_OPTIONS='{"smtp_host":"..."}']
 *   php test/php/fire-hook.php HOOK 'JSON array of the hook arguments, as Perfex passes them'
 * Prints the module's log lines on stderr; exits 0 unless the hook threw into "Perfex".
 */

define('BASEPATH', __DIR__);

require __DIR__ . '/perfex-stubs.php';
require __DIR__ . '/perfex-pdo-db.php';
require __DIR__ . '/../../perfex/sla_vigil/sla_vigil.php';

// More of Perfex's options, as its settings pages stored them (e.g. Setup > Settings > Email).
foreach (json_decode((string) (getenv('SLA_VIGIL_OPTIONS') ?: '{}'), true, 4, JSON_THROW_ON_ERROR) as $name => $value) {
    update_option((string) $name, (string) $value);
}
update_option('sla_vigil_service_url', (string) getenv('SLA_VIGIL_SERVICE_URL'));
update_option('sla_vigil_secret', (string) getenv('SLA_VIGIL_SECRET'));
if ((string) getenv('SLA_VIGIL_DB_URL') !== '') {
    get_instance()->db = PdoStubDb::fromUrl((string) getenv('SLA_VIGIL_DB_URL'));
}
$_POST = json_decode((string) (getenv('SLA_VIGIL_POST') ?: '{}'), true, 16, JSON_THROW_ON_ERROR);

$hook = $argv[1] ?? '';
$args = json_decode($argv[2] ?? '[]', true, 16, JSON_THROW_ON_ERROR);
hooks()->do_action($hook, ...$args);

foreach (PerfexStub::$log as [$level, $message]) {
    fwrite(STDERR, "$level: $message\n");
}
