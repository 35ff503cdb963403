<?php

declare(strict_types=1);

test('a service URL shows in logs without user, password (even one holding "@") or query', function (): void {
    assert_same('http://h:3000/x', Sla_vigil_http::displayUrl('http://u:p@ss@h:3000/x?token=1'));
    assert_same('https://svc.example/base', Sla_vigil_http::displayUrl('https://svc.example/base'));
    assert_same('(not set)', Sla_vigil_http::displayUrl(''));
});
