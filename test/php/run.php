<?php

declare(strict_types=1);

/*
 * Tests of the Perfex module with php-cli only (no PHPUnit offline): `php test/php/run.php`.
 * Loads the module's init file against perfex-stubs.php, fires hooks with the argument
 * shapes PERFEX.md documents, and inspects what a real HTTP server (capture-server.php
 * under `php -S`) received. Exits non-zero on any failure; last line "N passed, N failed".
 */

define('BASEPATH', __DIR__);
const ROOT = __DIR__ . '/../..';
const MODULE = ROOT . '/perfex/sla_vigil';
const SECRET = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
// Known vector, also checked with Node's crypto in test/integration/php-module.test.ts.
const VECTOR_TS = 1767225600;
const VECTOR_NONCE = '00112233445566778899aabbccddeeff';
const VECTOR_BODY = '{"event":"ticket_created","payload":{"ticket_id":12}}';
const VECTOR_SIG = '54b1cef115404c681c0a646d5737881f80ca211987b1e0f4d6d448d67cbb2a42';
const VECTOR_UTF8_BODY = '{"note":"Grüße"}';
const VECTOR_UTF8_SIG = '3c6bd06ab5997a91d28a342e3f9ef357e5cf3508c245b5b22aee6884402cf4bf';
// The service's answer signature for VECTOR_NONCE, status 200 (test/unit/bridge-signature.test.ts).
const VECTOR_ANSWER_BODY = '{"condition":"1 = 1"}';
const VECTOR_ANSWER_SIG = 'c9254bc80ce42a8a215843325af61bbc7f3ee9e2f7b82bbcf7682e78e27f3297';

require __DIR__ . '/perfex-stubs.php';
require __DIR__ . '/harness.php';
require MODULE . '/sla_vigil.php';

if (($argv[1] ?? '') === '--sign') {
    // Used by the Node test: print the module's signature of the known vector.
    echo (new Sla_vigil_signer(SECRET))->headers('POST', '/bridge/events', VECTOR_BODY, VECTOR_TS, VECTOR_NONCE)['X-SLA-Vigil-Signature'];
    exit(0);
}

if (($argv[1] ?? '') === '--sign-answer') {
    // Used by the Node test: print the module's expected signature of the known answer.
    echo (new Sla_vigil_signer(SECRET))->answerSignature(VECTOR_NONCE, 200, VECTOR_ANSWER_BODY);
    exit(0);
}

if (($argv[1] ?? '') === '--email-template-defaults') {
    // Used by the Node test: the templates the module registers, which the service compares against.
    echo json_encode(Sla_vigil_email_templates::TEMPLATES, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
    exit(0);
}

if (!function_exists('curl_init')) {
    // Perfex needs curl and so does the module; without it every HTTP test would fail obscurely.
    fwrite(STDERR, "php-curl is missing: apt-get install php-curl (.ci/run installs it)\n");
    echo "0 passed, 1 failed\n";
    exit(1);
}

foreach (glob(__DIR__ . '/cases/*.php') as $file) {
    require $file;
}

exit(run_tests());
