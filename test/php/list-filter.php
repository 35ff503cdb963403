<?php

declare(strict_types=1);

/*
 * The SLA rule of Perfex's ticket-list (or lead-list) filter, through the real module against a
 * real SLA Vigil service, for test/integration/perfex-list-filter.test.ts and
 * bridge-lead-widgets.test.ts:
 *   SLA_VIGIL_SERVICE_URL=... SLA_VIGIL_SECRET=... [SLA_VIGIL_LANGUAGE=german] [SLA_VIGIL_LIST=leads]
 *   php test/php/list-filter.php STATE...
 * Prints {"label", "options", "conditions": {STATE: condition}, "log": [...]} as JSON. Each state's
 * condition is asked for twice, as Perfex's count and data queries would.
 */

define('BASEPATH', __DIR__);

require __DIR__ . '/perfex-stubs.php';
require __DIR__ . '/../../perfex/sla_vigil/sla_vigil.php';

update_option('sla_vigil_service_url', (string) getenv('SLA_VIGIL_SERVICE_URL'));
update_option('sla_vigil_secret', (string) getenv('SLA_VIGIL_SECRET'));
PerfexStub::$admins = [1];
PerfexStub::$language = getenv('SLA_VIGIL_LANGUAGE') ?: 'english';

$rules = hooks()->apply_filters(getenv('SLA_VIGIL_LIST') === 'leads' ? 'table_leads_rules' : 'table_tickets_rules', []);
$rule = $rules[0] ?? null;
if (!$rule instanceof App_table_filter) {
    fwrite(STDERR, "no rule added\n");
    exit(1);
}
$conditions = [];
foreach (array_slice($argv, 1) as $state) {
    $first = $rule->condition($state);
    $conditions[$state] = $first === $rule->condition($state) ? $first : 'the count and data queries differ';
}
echo json_encode([
    'label'      => $rule->getLabel(),
    'options'    => $rule->getOptions(),
    'conditions' => $conditions,
    'log'        => array_map(fn ($line) => $line[0] . ': ' . $line[1], PerfexStub::$log),
], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
