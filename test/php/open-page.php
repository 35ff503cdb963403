<?php

declare(strict_types=1);

/*
 * One admin page of the module through the real controller against a real SLA Vigil service,
 * for the cross-language round trips in test/integration (a Perfex in a sub-folder):
 *   SLA_VIGIL_SERVICE_URL=... SLA_VIGIL_SECRET=... PERFEX_ADMIN_URL=https://example.com/crm/admin/
 *   php test/php/open-page.php METHOD admin/sla_vigil/... [QUERY] [FORM BODY]
 *   php test/php/open-page.php WIDGET
 * Prints {"status", "output", "redirects", "log"} as JSON (the widget: its title and html).
 */

define('BASEPATH', __DIR__);

require __DIR__ . '/perfex-stubs.php';
require __DIR__ . '/../../perfex/sla_vigil/sla_vigil.php';
require_once __DIR__ . '/../../perfex/sla_vigil/controllers/Sla_vigil.php';

/** The controller with the raw body handed in (php://input is empty under php-cli). */
final class CliSlaVigil extends Sla_vigil
{
    public string $body = '';

    protected function requestBody(): string
    {
        return $this->body;
    }
}

update_option('sla_vigil_service_url', (string) getenv('SLA_VIGIL_SERVICE_URL'));
update_option('sla_vigil_secret', (string) getenv('SLA_VIGIL_SECRET'));
PerfexStub::$adminUrl = (string) (getenv('PERFEX_ADMIN_URL') ?: 'http://perfex.test/admin/');
PerfexStub::$staffId = (int) (getenv('PERFEX_STAFF_ID') ?: 1);
PerfexStub::$admins = [PerfexStub::$staffId];

$log = fn (): array => array_map(fn ($line) => $line[0] . ': ' . $line[1], PerfexStub::$log);
$method = $argv[1] ?? 'GET';
if ($method === 'WIDGET') {
    echo json_encode(['widget' => Sla_vigil_fragments::myRisks(), 'log' => $log()], JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
    exit(0);
}

$segments = explode('/', trim($argv[2] ?? 'admin/sla_vigil', '/'));
$_SERVER['REQUEST_METHOD'] = $method;
$_SERVER['QUERY_STRING'] = $argv[3] ?? '';
$body = $argv[4] ?? '';
if ($body !== '') {
    $_SERVER['CONTENT_TYPE'] = 'application/x-www-form-urlencoded';
}
$ci = &get_instance();
$ci->uri = new StubUri(array_combine(range(1, count($segments)), $segments));
$controller = new CliSlaVigil();
$controller->body = $body;
try {
    $controller->_remap(str_replace('-', '_', $segments[2] ?? 'index'), array_slice($segments, 3));
} catch (PerfexExit) {
    // redirect() ends the request
}
echo json_encode([
    'status'    => PerfexStub::$status,
    'output'    => $ci->output->final_output,
    'redirects' => PerfexStub::$redirects,
    'log'       => $log(),
], JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
