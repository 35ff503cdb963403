<?php

declare(strict_types=1);

/*
 * TEST STAND-IN, NOT PERFEX: a front controller for `php -S 127.0.0.1:PORT index.php`, written
 * from /work/shared/PERFEX.md only (never from Perfex's code), for
 * test/integration/perfex-php-server.test.ts. Each request loads Perfex's stand-in functions
 * (../perfex-stubs.php) and the real module init file, then runs one of Perfex's ticket or lead flows:
 * it writes the tables as PERFEX.md says Perfex does and fires the hooks Perfex fires, with
 * Perfex's argument types (strings on admin paths, ints elsewhere).
 *
 * Set by the test: env STANDIN_DATABASE (the Perfex-schema database on 127.0.0.1:3306, root);
 * header X-Standin-Now (ISO instant), the test's mutable clock, so both twins share instants.
 * Every answer is JSON {ok, ..., log: the module's log lines} except the module's admin pages.
 */

define('BASEPATH', __DIR__);

require __DIR__ . '/../perfex-stubs.php';
require __DIR__ . '/standin-db.php';
require __DIR__ . '/standin-flows.php';
require __DIR__ . '/standin-lead-flows.php';
require __DIR__ . '/standin-lead-screens.php';
require __DIR__ . '/standin-module-flows.php';
require __DIR__ . '/../../../perfex/sla_vigil/sla_vigil.php';

$db = standin_db();
standin_load_options($db);
// Perfex sets PHP's zone from the option; stored datetimes are wall-clock times in it.
date_default_timezone_set(get_option('default_timezone') ?: 'UTC');

$path = trim((string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH), '/');
$segments = $path === '' ? [] : explode('/', $path);

if (($segments[0] ?? '') === 'admin' && ($segments[1] ?? '') === 'sla_vigil') {
    standin_module_page($segments);
    return;
}

$input = json_decode((string) file_get_contents('php://input') ?: '{}', true, 16, JSON_THROW_ON_ERROR);
try {
    $answer = standin_flow($db, $path, is_array($input) ? $input : []);
    $status = 200;
} catch (StandinNotFound $e) {
    $answer = ['error' => $e->getMessage()];
    $status = 404;
}
http_response_code($status);
header('Content-Type: application/json');
echo json_encode(['ok' => $status === 200] + $answer + ['log' => array_map(
    fn (array $line) => $line[0] . ': ' . $line[1],
    PerfexStub::$log
)], JSON_THROW_ON_ERROR);
