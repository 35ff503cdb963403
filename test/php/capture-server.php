<?php

declare(strict_types=1);

// Router for `php -S`: records each request as one JSON line in $CAPTURE_FILE and answers
// like the service's /bridge/events (202) and host-actions endpoints (200), or with the status written in $CAPTURE_FILE.status,
// or with the canned answer in $CAPTURE_FILE.response.
// Like the service, it signs every answer for the request's nonce with $CAPTURE_SECRET
// (X-SLA-Vigil-Answer-Signature), unless $CAPTURE_FILE.signing says otherwise:
// `none` (no header), `wrong` (another secret) or `other-nonce` (signed for another request).
$file = (string) getenv('CAPTURE_FILE');
$requestHeaders = array_change_key_case(getallheaders(), CASE_LOWER);
file_put_contents($file, json_encode([
    'method'  => $_SERVER['REQUEST_METHOD'],
    'path'    => $_SERVER['REQUEST_URI'],
    'headers' => $requestHeaders,
    'body'    => file_get_contents('php://input'),
]) . "\n", FILE_APPEND | LOCK_EX);

/** @return array{int, array<string, string>, string} status, headers, body */
function capture_answer(string $file): array
{
    // A canned answer (written by CaptureServer::answer) stands in for the service's pages.
    if (is_file($file . '.response')) {
        $canned = json_decode((string) file_get_contents($file . '.response'), true);

        return [(int) $canned['status'], $canned['headers'], (string) $canned['body']];
    }
    $json = ['Content-Type' => 'application/json'];
    // The host-actions endpoints answer like the service: the claim with the actions in
    // $CAPTURE_FILE.actions (none without), the report with a count; unless a status was set.
    $status = is_file($file . '.status') ? (int) file_get_contents($file . '.status') : 202;
    $path = (string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
    if ($status === 202 && str_ends_with($path, '/bridge/host-actions/claim')) {
        return [200, $json, is_file($file . '.actions') ? (string) file_get_contents($file . '.actions') : '{"actions":[]}'];
    }
    if ($status === 202 && str_ends_with($path, '/bridge/host-actions/report')) {
        return [200, $json, '{"recorded":0,"ignored":0}'];
    }

    return [$status, $json, $status === 202 ? '{"ok":true}' : '{"error":"bad_signature"}'];
}

[$status, $headers, $body] = capture_answer($file);
$signing = is_file($file . '.signing') ? trim((string) file_get_contents($file . '.signing')) : 'signed';
$secret = (string) getenv('CAPTURE_SECRET');
$nonce = (string) ($requestHeaders['x-sla-vigil-nonce'] ?? '');
if ($signing === 'wrong') {
    $secret = str_repeat('f', 64);
} elseif ($signing === 'other-nonce') {
    $nonce = str_repeat('0', 32);
}
if ($signing !== 'none') {
    // A HEAD answer has no body: the service signs the empty one that is sent.
    $sent = $_SERVER['REQUEST_METHOD'] === 'HEAD' ? '' : $body;
    $headers['X-SLA-Vigil-Answer-Signature'] = 'sha256=' . hash_hmac('sha256', $nonce . "\n" . $status . "\n" . $sent, $secret);
}
http_response_code($status);
foreach ($headers as $name => $value) {
    header($name . ': ' . $value);
}
echo $body;
return true;
