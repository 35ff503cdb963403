<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_client.php';
require_once __DIR__ . '/Sla_vigil_events.php';

/**
 * Glue between a hook and the client: build the payload, send it, swallow every failure.
 * Hook callbacks run inside Perfex's own request (saving a reply, the cron), so nothing
 * here may throw; the service's reconcile repairs events that were lost.
 */
final class Sla_vigil_forwarder
{
    /** @param callable(): array $payload built lazily so a bad argument is caught here too */
    public static function forward(string $event, callable $payload): bool
    {
        try {
            $client = new Sla_vigil_client(
                (string) get_option('sla_vigil_service_url'),
                (string) get_option('sla_vigil_secret')
            );

            return $client->sendEvent($event, $payload());
        } catch (Throwable $e) {
            if (function_exists('log_message')) {
                log_message('error', 'SLA Vigil: could not forward ' . $event . ': ' . $e->getMessage());
            }

            return false;
        }
    }
}
