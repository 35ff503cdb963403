<?php

declare(strict_types=1);

// Perfex installed in a sub-folder (https://example.com/crm/): the module sends the path of
// admin_url() with every page and fragment request, so the service renders its links under
// it, and follows the service's redirects under that same base.

const CRM_ADMIN_URL = 'https://example.com/crm/admin/';

test('admin base: the path of admin_url(), segments %-encoded, dot segments resolved', function (): void {
    assert_same('/admin/', Sla_vigil_admin_base::current(), 'Perfex at the web root');
    PerfexStub::$adminUrl = CRM_ADMIN_URL;
    assert_same('/crm/admin/', Sla_vigil_admin_base::current(), 'in /crm/');
    assert_same('/admin/', Sla_vigil_admin_base::fromUrl('http://perfex.test/admin'), 'no trailing slash');
    assert_same('/admin/', Sla_vigil_admin_base::fromUrl('http://perfex.test'), 'no path');
    assert_same('/admin/', Sla_vigil_admin_base::fromUrl(''), 'nothing');
    assert_same('/my%20crm/admin/', Sla_vigil_admin_base::fromUrl('http://x.test/my crm/admin/'), 'a space');
    assert_same('/my%20crm/admin/', Sla_vigil_admin_base::fromUrl('http://x.test/my%20crm/admin/'), 'already encoded');
    assert_same('/admin/', Sla_vigil_admin_base::fromUrl('http://x.test/crm/../%2e%2E/./admin//'), 'dots and empty segments');
    assert_same('/crm/admin/', Sla_vigil_admin_base::fromUrl('http://x.test/crm/x/%2E%2e/admin/'), 'an encoded ..');
    assert_same('/%22%3E/admin/', Sla_vigil_admin_base::fromUrl('http://x.test/">/admin/'), 'markup is encoded');
});

test('admin base: a page request carries it in the signed query; a 303 under it is followed', function (): void {
    PerfexStub::$adminUrl = CRM_ADMIN_URL;
    PerfexStub::$admins = [1];
    $server = paired_with_capture();
    $server->answer(303, ['Location' => '/crm/admin/sla_vigil/settings?saved=1#general'], '');
    open_page('POST', 'admin/sla_vigil/settings', '', 'a=1', 'application/x-www-form-urlencoded');
    $request = $server->requests()[0];
    assert_true(str_ends_with($request['path'], '&_sv_base=%2Fcrm%2Fadmin%2F'), 'base in the query: ' . $request['path']);
    assert_signed($request);
    assert_same([CRM_ADMIN_URL . 'sla_vigil/settings?saved=1#general'], PerfexStub::$redirects, 'redirect');
});

test('admin base: redirects outside the module or under another base are not followed', function (): void {
    $base = '/crm/admin/';
    assert_same('sla_vigil/audit?page=2', Sla_vigil_page_proxy::adminPath('/crm/admin/sla_vigil/audit?page=2', $base));
    assert_same('sla_vigil', Sla_vigil_page_proxy::adminPath('/crm/admin/sla_vigil', $base));
    assert_same('sla_vigil', Sla_vigil_page_proxy::adminPath('/admin/sla_vigil/audit', $base), 'the root base');
    assert_same('sla_vigil', Sla_vigil_page_proxy::adminPath('/crm/admin/tickets', $base), 'another part of the admin');
    assert_same('sla_vigil', Sla_vigil_page_proxy::adminPath('/crm/admin/sla_vigil_other', $base), 'another module');
    assert_same('sla_vigil', Sla_vigil_page_proxy::adminPath('https://evil.example/crm/admin/sla_vigil', $base), 'absolute');
    assert_same(
        ['kind' => 'redirect', 'path' => 'sla_vigil/monitor'],
        Sla_vigil_page_proxy::classify(['status' => 303, 'headers' => ['location' => '/crm/admin/sla_vigil/monitor'], 'body' => ''], 'http://127.0.0.1:3000', $base)
    );
});

test('admin base: the badge, tab and widget requests carry it in their bodies', function (): void {
    PerfexStub::$adminUrl = CRM_ADMIN_URL;
    PerfexStub::$admins = [1];
    $server = paired_with_capture(200);
    $server->answer(200, ['Content-Type' => 'application/json'], json_encode(['badges' => []]));
    render_ticket_list(ticket_rows(2));
    hooks()->do_action('after_admin_single_ticket_tab_menu_last_item', ['ticketid' => '12']);
    Sla_vigil_fragments::myRisks();
    $bodies = array_map(fn ($request) => json_decode($request['body'], true), $server->requests());
    assert_same(3, count($bodies), 'three requests');
    foreach ($bodies as $body) {
        assert_same('/crm/admin/', $body['admin_base'] ?? null, 'admin_base');
    }
});
