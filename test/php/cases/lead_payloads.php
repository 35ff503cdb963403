<?php

declare(strict_types=1);

// The lead hooks, fired with PERFEX.md's argument shapes (a lead id; the status change's
// {lead_id, old_status, new_status}), reach the service as the contract's JSON: int ids only.
// PERFEX.md does not say whether these ids are ints or strings, so both are fired.

test('lead id hooks forward only the lead id, as an int, from an int or a numeric string', function (): void {
    foreach (['lead_created', 'after_lead_updated', 'lead_marked_as_lost', 'lead_marked_as_junk', 'after_lead_deleted'] as $tag) {
        foreach ([31, '31'] as $id) {
            assert_forwards($tag, [$id], '{"event":"' . $tag . '","payload":{"lead_id":31}}');
        }
    }
});

test('lead_status_changed forwards the three ids as ints, nothing else', function (): void {
    assert_forwards('lead_status_changed', [['lead_id' => '31', 'old_status' => '2', 'new_status' => '3']],
        '{"event":"lead_status_changed","payload":{"lead_id":31,"old_status":2,"new_status":3}}');
    assert_forwards('lead_status_changed', [['lead_id' => 31, 'old_status' => 2, 'new_status' => 3, 'name' => 'Ravi', 'email' => 'r@x.test']],
        '{"event":"lead_status_changed","payload":{"lead_id":31,"old_status":2,"new_status":3}}');
});

test('before_lead_deleted is not forwarded (the service acts after the delete)', function (): void {
    $server = paired_with_capture();
    hooks()->do_action('before_lead_deleted', 31);
    assert_same([], $server->requests(), 'requests');
});

test('a lead hook with a bad id logs, sends nothing and never throws into Perfex', function (): void {
    foreach ([['lead_created', [null]], ['after_lead_updated', ['abc']], ['lead_status_changed', [['lead_id' => '31', 'new_status' => '3']]]] as [$tag, $args]) {
        $server = paired_with_capture();
        PerfexStub::$log = [];
        hooks()->do_action($tag, ...$args);
        assert_same([], $server->requests(), "$tag requests");
        $errors = logged_errors();
        assert_same(1, count($errors), "$tag errors");
        assert_true(str_contains($errors[0], "could not forward $tag"), "$tag log: " . ($errors[0] ?? ''));
    }
});
