<?php

declare(strict_types=1);

// "SLA state" in Perfex's own ticket-list filter builder (`table_tickets_rules`): the rule is
// added for staff with View, its choices are the badge's states in the staff member's
// language, and its SQL condition comes from the service, once per state and request.

const SLA_CONDITION = "COALESCE((SELECT 1), 'no_policy') = 'breached'";

/** The rules Perfex would show (the module's rule appended to what was there). */
function ticket_list_rules(array $rules = ['core-rule']): array
{
    return hooks()->apply_filters('table_tickets_rules', $rules);
}

function sla_rule(): App_table_filter
{
    $rules = ticket_list_rules();
    assert_same('core-rule', $rules[0], 'the core rules are kept');
    assert_same(2, count($rules), 'one rule added');
    assert_true($rules[1] instanceof App_table_filter, 'an App_table_filter');

    return $rules[1];
}

test('list filter: the rule is a SelectRule of the six badge states, localised (live states: open tickets)', function (): void {
    PerfexStub::$admins = [1];
    $rule = sla_rule();
    assert_same('sla_vigil_state', $rule->name, 'name');
    assert_same('SelectRule', $rule->type, 'type');
    assert_same('SLA state', $rule->getLabel(), 'label');
    assert_same([
        ['value' => 'breached', 'label' => 'Breached (open tickets)'],
        ['value' => 'at_risk', 'label' => 'At risk (open tickets)'],
        ['value' => 'on_track', 'label' => 'On track (open tickets)'],
        ['value' => 'paused', 'label' => 'Paused (open tickets)'],
        ['value' => 'met', 'label' => 'Met'],
        ['value' => 'no_policy', 'label' => 'No policy'],
    ], $rule->getOptions(), 'options');
    PerfexStub::$language = 'german';
    $german = sla_rule();
    assert_same('SLA-Status', $german->getLabel(), 'German label');
    assert_same('Verletzt (offene Tickets)', $german->getOptions()[0]['label'], 'German state');
});

test('list filter: no rule for staff without View; a rules value that is not a list is left alone', function (): void {
    assert_same(['core-rule'], ticket_list_rules(), 'without View');
    PerfexStub::grant(1, 'sla_vigil', 'view');
    assert_same(2, count(ticket_list_rules()), 'granted View');
    assert_same('not a list', hooks()->apply_filters('table_tickets_rules', 'not a list'), 'non-array');
});

test('list filter: the condition comes from one signed request per state, reused by the count and data queries', function (): void {
    PerfexStub::$admins = [1];
    $server = paired_with_capture(200);
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['condition' => SLA_CONDITION]));
    $rule = sla_rule();
    assert_same(SLA_CONDITION, $rule->condition('breached'), 'count query');
    assert_same(SLA_CONDITION, $rule->condition('breached'), 'data query');
    $requests = $server->requests();
    assert_same(1, count($requests), 'one request for one state');
    assert_fragment_request($requests[0], '/bridge/ticket-list-filter', ['state' => 'breached']);
    $rule->condition('at_risk');
    assert_same(2, count($server->requests()), 'another state is asked for');
    assert_same(['state' => 'at_risk'], json_decode($server->requests()[1]['body'], true), 'second body');
    assert_same([], PerfexStub::$log, 'nothing logged');
});

test('list filter: a list of values is OR-ed; an empty value matches nothing without asking', function (): void {
    PerfexStub::$admins = [1];
    $server = paired_with_capture(200);
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['condition' => 'A = 1']));
    $rule = sla_rule();
    assert_same('((A = 1) OR (A = 1))', $rule->condition(['breached', 'at_risk']), 'two states');
    assert_same('1 = 0', $rule->condition(''), 'empty');
    assert_same('1 = 0', $rule->condition(null), 'null');
    assert_same(2, count($server->requests()), 'requests');
});

test('list filter: service down or refusing, the rule matches nothing and says so once in the log', function (): void {
    PerfexStub::$admins = [1];
    update_option('sla_vigil_secret', SECRET);
    update_option('sla_vigil_service_url', 'http://127.0.0.1:' . free_port());
    $rule = sla_rule();
    $started = microtime(true);
    assert_same('1 = 0', $rule->condition('breached'), 'count query');
    assert_same('1 = 0', $rule->condition('breached'), 'data query');
    assert_same('1 = 0', $rule->condition('met'), 'another state');
    assert_true(microtime(true) - $started < 2.0, 'returns within the timeout');
    $errors = array_values(array_filter(PerfexStub::$log, fn ($line) => $line[0] === 'error'));
    assert_same(2, count($errors), 'one line from the client, one from the filter: ' . json_encode($errors));
    assert_true(str_contains($errors[1][1], 'SLA filter'), 'the filter says what it did');

    Sla_vigil_list_filter::reset();
    Sla_vigil_fragment_client::reset();
    PerfexStub::$log = [];
    $server = paired_with_capture(200);
    $server->answer(422, ['Content-Type' => 'application/json'], json_encode(['error' => 'Invalid option', 'field' => 'state']));
    assert_same('1 = 0', $rule->condition('nonsense'), 'refused');
    assert_true(str_contains(PerfexStub::$log[0][1] ?? '', '422'), 'the refusal is logged');
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['condition' => ['not text']]));
    assert_same('1 = 0', $rule->condition('paused'), 'malformed answer');
});
