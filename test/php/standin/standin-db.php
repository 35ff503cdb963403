<?php

declare(strict_types=1);

/*
 * TEST STAND-IN: the stand-in's database access (mysqli, parameterised) and Perfex's options
 * read from tbloptions into the stubs' option store, as Perfex autoloads them.
 */

final class StandinNotFound extends RuntimeException
{
}

function standin_db(): mysqli
{
    mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
    $name = (string) getenv('STANDIN_DATABASE');
    if ($name === '') {
        throw new RuntimeException('STANDIN_DATABASE is not set');
    }
    $db = new mysqli('127.0.0.1', 'root', '', $name, 3306);
    $db->set_charset('utf8mb4');

    return $db;
}

/** @return list<array<string, mixed>> */
function standin_rows(mysqli $db, string $sql, array $params = []): array
{
    $result = $db->execute_query($sql, $params);

    return $result instanceof mysqli_result ? $result->fetch_all(MYSQLI_ASSOC) : [];
}

function standin_run(mysqli $db, string $sql, array $params = []): int
{
    $db->execute_query($sql, $params);

    return (int) $db->insert_id;
}

function standin_load_options(mysqli $db): void
{
    foreach (standin_rows($db, 'SELECT name, value, autoload FROM tbloptions') as $row) {
        PerfexStub::$options[(string) $row['name']] = ['value' => (string) $row['value'], 'autoload' => (int) $row['autoload']];
    }
}

/** Perfex's date('Y-m-d H:i:s') at the test's instant (header X-Standin-Now), in PHP's zone. */
function standin_now(): string
{
    $header = (string) ($_SERVER['HTTP_X_STANDIN_NOW'] ?? '');
    $instant = $header === '' ? new DateTimeImmutable() : new DateTimeImmutable($header);

    return $instant->setTimezone(new DateTimeZone(date_default_timezone_get()))->format('Y-m-d H:i:s');
}

/** @return array<string, mixed> */
function standin_ticket(mysqli $db, int $id): array
{
    $rows = standin_rows($db, 'SELECT * FROM tbltickets WHERE ticketid = ?', [$id]);
    if ($rows === []) {
        throw new StandinNotFound('ticket ' . $id . ' does not exist');
    }

    return $rows[0];
}
