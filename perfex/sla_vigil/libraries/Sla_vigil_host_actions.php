<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_http.php';
require_once __DIR__ . '/Sla_vigil_client.php';
require_once __DIR__ . '/Sla_vigil_forwarder.php';
require_once __DIR__ . '/Sla_vigil_events.php';

/**
 * Applies the escalations' host actions (assign a ticket or a lead to staff, move a ticket to a
 * department, set its priority) through Perfex, on Perfex's own cron. The service never calls into Perfex (a PHP server with
 * one worker deadlocks if it does during a hook), so the module pulls: it claims up to 50
 * actions, applies each, and reports the results in one call. An action claimed and never
 * reported is offered again by the service after its lease (five minutes).
 *
 * It runs inside Perfex's cron, so nothing here throws, and a service that does not answer
 * costs one short timeout (logged); the actions then wait for the next cron run.
 */
final class Sla_vigil_host_actions
{
    private const CLAIM_LIMIT = 50;
    private const CONNECT_TIMEOUT_MS = 500;
    private const TIMEOUT_MS = 1000;
    /** The one tickets column each action type sets (PERFEX.md, tickets). */
    private const COLUMNS = ['assign' => 'assigned', 'department' => 'department', 'priority' => 'priority'];

    /** Claims, applies and reports; returns how many actions were applied. */
    public static function applyPending(): int
    {
        try {
            if (Sla_vigil_client::unreachableThisRequest()) {
                // The cron's own forward just failed and logged why: no second wait, no second line.
                return 0;
            }
            $claimed = self::post('/bridge/host-actions/claim', ['limit' => self::CLAIM_LIMIT]);
            if ($claimed === null) {
                return 0;
            }
            if (!isset($claimed['actions']) || !is_array($claimed['actions'])) {
                self::logError('the claim answer has no actions list');

                return 0;
            }
            $results = [];
            foreach ($claimed['actions'] as $action) {
                $result = self::applyOne($action);
                if ($result !== null) {
                    $results[] = $result;
                }
            }
            if ($results !== []) {
                self::post('/bridge/host-actions/report', ['results' => $results]);
            }

            return count(array_filter($results, fn (array $r): bool => $r['ok']));
        } catch (Throwable $e) {
            self::logError(get_class($e) . ': ' . $e->getMessage());

            return 0;
        }
    }

    /**
     * One action through Perfex: the column only when it differs, then what Perfex itself does
     * for such a change. Null when the action has no id to report under (logged).
     *
     * @return array{id: int, ok: bool, error?: string}|null
     */
    private static function applyOne(mixed $action): ?array
    {
        $id = is_array($action) && is_int($action['id'] ?? null) && $action['id'] > 0 ? $action['id'] : null;
        if ($id === null) {
            self::logError('an action without an id was skipped');

            return null;
        }
        try {
            // No subject_type: a ticket's instruction, as the service sent it before leads.
            return match ($action['subject_type'] ?? 'ticket') {
                'ticket' => self::applyToTicket($id, $action),
                'lead'   => self::applyToLead($id, $action),
                default  => ['id' => $id, 'ok' => false, 'error' => 'the module cannot read this action'],
            };
        } catch (Throwable $e) {
            self::logError('action ' . $id . ': ' . get_class($e) . ': ' . $e->getMessage());

            return ['id' => $id, 'ok' => false, 'error' => substr(get_class($e) . ': ' . $e->getMessage(), 0, 500)];
        }
    }

    /** @return array{id: int, ok: bool, error?: string} */
    private static function applyToTicket(int $id, array $action): array
    {
        $ticketId = $action['ticket_id'] ?? null;
        $column = self::COLUMNS[$action['type'] ?? ''] ?? null;
        $value = $action['value'] ?? null;
        $note = $action['note'] ?? '';
        if (!is_int($ticketId) || $ticketId < 1 || $column === null || !is_int($value) || $value < 1 || !is_string($note)) {
            return ['id' => $id, 'ok' => false, 'error' => 'the module cannot read this action'];
        }
        $CI = &get_instance();
        $row = $CI->db->where('ticketid', $ticketId)->get(db_prefix() . 'tickets')->row_array();
        if (!is_array($row) || $row === []) {
            return ['id' => $id, 'ok' => false, 'error' => 'ticket is gone'];
        }
        if ((int) ($row[$column] ?? 0) !== $value) {
            // With db_debug off CodeIgniter answers false instead of throwing.
            if ($CI->db->where('ticketid', $ticketId)->update(db_prefix() . 'tickets', [$column => $value]) === false) {
                return ['id' => $id, 'ok' => false, 'error' => 'the ticket could not be updated'];
            }
            self::sideEffects($ticketId, $row, $column, $value, $note);
        }
        self::activity('ticket', $ticketId, $note);

        return ['id' => $id, 'ok' => true];
    }

    /**
     * A lead's one action: give it to another staff member. PERFEX.md documents no Leads_model
     * call for an assignment, only the leads table, so the row is written as Perfex keeps it:
     * `assigned` (staff id) and `dateassigned` (a DATE, today in Perfex's zone, which is PHP's).
     * The new owner gets Perfex's bell; the service hears of it the way `after_lead_updated`
     * would tell it, through the forwarder, while Perfex's own hook is not fired for the same
     * reason as the ticket's settings hook (other modules expect it from the lead form only).
     *
     * @return array{id: int, ok: bool, error?: string}
     */
    private static function applyToLead(int $id, array $action): array
    {
        $leadId = $action['lead_id'] ?? null;
        $value = $action['value'] ?? null;
        $note = $action['note'] ?? '';
        if (!is_int($leadId) || $leadId < 1 || ($action['type'] ?? null) !== 'assign' || !is_int($value) || $value < 1 || !is_string($note)) {
            return ['id' => $id, 'ok' => false, 'error' => 'the module cannot read this action'];
        }
        $CI = &get_instance();
        $row = $CI->db->where('id', $leadId)->get(db_prefix() . 'leads')->row_array();
        if (!is_array($row) || $row === []) {
            return ['id' => $id, 'ok' => false, 'error' => 'lead is gone'];
        }
        // Lost, junk or converted since the level fired (the cron may run minutes later): the
        // lead's windows have ended, so nobody new should be handed it and woken by the bell.
        if ((int) ($row['lost'] ?? 0) === 1 || (int) ($row['junk'] ?? 0) === 1 || !empty($row['date_converted'])) {
            return ['id' => $id, 'ok' => false, 'error' => 'lead is lost, junk or converted'];
        }
        if ((int) ($row['assigned'] ?? 0) !== $value) {
            $change = ['assigned' => $value, 'dateassigned' => date('Y-m-d')];
            if ($CI->db->where('id', $leadId)->update(db_prefix() . 'leads', $change) === false) {
                return ['id' => $id, 'ok' => false, 'error' => 'the lead could not be updated'];
            }
            // The lead's admin page, as src/host/perfex/perfex-urls.ts links it (relative, as the bell wants).
            self::notifyAssignee('lead ' . $leadId, $value, $note, 'leads/index/' . $leadId);
            Sla_vigil_forwarder::forward('after_lead_updated', fn () => Sla_vigil_events::leadId($leadId));
        }
        self::activity('lead', $leadId, $note);

        return ['id' => $id, 'ok' => true];
    }

    /** Perfex's activity log; not documented for modules, so only when present. */
    private static function activity(string $kind, int $subjectId, string $note): void
    {
        if (function_exists('log_activity')) {
            self::bestEffort($kind . ' ' . $subjectId, 'the activity line', fn () => log_activity($note . ' (' . $kind . ' ' . $subjectId . ')'));
        }
    }

    /** The new assignee's bell (add_notification skips inactive staff); the change is made already. */
    private static function notifyAssignee(string $subject, int $staffId, string $note, string $link): void
    {
        self::bestEffort($subject, 'the notification', fn () => add_notification([
            'description' => $note,
            'touserid'    => $staffId,
            'fromuserid'  => 0,
            'link'        => $link,
        ]));
    }

    /**
     * What Perfex does around a change made on a ticket's settings tab, as far as PERFEX.md
     * documents it: the new assignee's notification (add_notification skips inactive staff).
     * Perfex's own `ticket_settings_updated` is not fired: PERFEX.md has it fire only from the
     * settings tab, with Perfex's joined row, so other modules listening on it would get a
     * shape and a moment they do not expect. The change reaches the service the way that hook
     * would, through the forwarder (safe keys only); the ticket is already changed, so a side
     * effect that fails is logged, not reported as a failed action.
     */
    private static function sideEffects(int $ticketId, array $row, string $column, int $value, string $note): void
    {
        if ($column === 'assigned') {
            self::notifyAssignee('ticket ' . $ticketId, $value, $note, 'tickets/ticket/' . $ticketId);
        }
        Sla_vigil_forwarder::forward('ticket_settings_updated', fn () => Sla_vigil_events::settingsUpdated([
            'ticket_id'       => $ticketId,
            'original_ticket' => $row,
            'data'            => [$column => $value],
        ]));
    }

    private static function bestEffort(string $subject, string $what, callable $fn): void
    {
        try {
            $fn();
        } catch (Throwable $e) {
            self::logError($subject . ' changed, but ' . $what . ' failed: ' . get_class($e) . ': ' . $e->getMessage());
        }
    }

    /** @return array<string, mixed>|null the decoded JSON object of a 200 answer; null (logged) otherwise */
    private static function post(string $endpoint, array $body): ?array
    {
        $answer = Sla_vigil_http::signedJsonPost(
            (string) get_option('sla_vigil_service_url'),
            (string) get_option('sla_vigil_secret'),
            $endpoint,
            // An error text cut inside a UTF-8 character must not lose the whole report.
            json_encode($body, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR),
            self::CONNECT_TIMEOUT_MS,
            self::TIMEOUT_MS
        );
        if ($answer['failure'] !== null) {
            self::logError($endpoint . ': ' . $answer['failure']);
        }

        return $answer['json'];
    }

    private static function logError(string $reason): void
    {
        if (function_exists('log_message')) {
            log_message('error', 'SLA Vigil: host actions: ' . $reason);
        }
    }
}
