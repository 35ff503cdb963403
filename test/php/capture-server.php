<?php

declare(strict_types=1);

// Router for `php -S`: records each request as one JSON line in $CAPTURE_FILE and answers
// like the service's /bridge/events (202) and host-actions endpoints (200), or with the status written in $CAPTURE_FILE.status,
// or with the canned answer in $CAPTURE_FILE.response.
$file = (string) getenv('CAPTURE_FILE');
file_put_contents($file, json_encode([
    'method'  => $_SERVER['REQUEST_METHOD'],
    'path'    => $_SERVER['REQUEST_URI'],
    'headers' => array_change_key_case(getallheaders(), CASE_LOWER),
    'body'    => file_get_contents('php://input'),
]) . "\n", FILE_APPEND | LOCK_EX);

// A canned answer (written by CaptureServer::answer) stands in for the service's pages.
if (is_file($file . '.response')) {
    $canned = json_decode((string) file_get_contents($file . '.response'), true);
    http_response_code((int) $canned['status']);
    foreach ($canned['headers'] as $name => $value) {
        header($name . ': ' . $value);
    }
    echo $canned['body'];
    return true;
}

// The host-actions endpoints answer like the service: the claim with the actions in
// $CAPTURE_FILE.actions (none without), the report with a count; unless a status was set.
$status = is_file($file . '.status') ? (int) file_get_contents($file . '.status') : 202;
$path = (string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($status === 202 && str_ends_with($path, '/bridge/host-actions/claim')) {
    header('Content-Type: application/json');
    echo is_file($file . '.actions') ? (string) file_get_contents($file . '.actions') : '{"actions":[]}';
    return true;
}
if ($status === 202 && str_ends_with($path, '/bridge/host-actions/report')) {
    header('Content-Type: application/json');
    echo '{"recorded":0,"ignored":0}';
    return true;
}

$status = is_file($file . '.status') ? (int) file_get_contents($file . '.status') : 202;
http_response_code($status);
header('Content-Type: application/json');
echo $status === 202 ? '{"ok":true}' : '{"error":"bad_signature"}';
