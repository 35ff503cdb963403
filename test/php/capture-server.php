<?php

declare(strict_types=1);

// Router for `php -S`: records each request as one JSON line in $CAPTURE_FILE and answers
// like the service's /bridge/events (202), or with the status written in $CAPTURE_FILE.status.
$file = (string) getenv('CAPTURE_FILE');
file_put_contents($file, json_encode([
    'method'  => $_SERVER['REQUEST_METHOD'],
    'path'    => $_SERVER['REQUEST_URI'],
    'headers' => array_change_key_case(getallheaders(), CASE_LOWER),
    'body'    => file_get_contents('php://input'),
]) . "\n", FILE_APPEND | LOCK_EX);

$status = is_file($file . '.status') ? (int) file_get_contents($file . '.status') : 202;
http_response_code($status);
header('Content-Type: application/json');
echo $status === 202 ? '{"ok":true}' : '{"error":"bad_signature"}';
