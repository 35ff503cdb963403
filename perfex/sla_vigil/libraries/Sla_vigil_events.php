<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/**
 * Turns Perfex hook arguments into the bridge contract's payloads. Perfex passes ids as
 * strings on admin paths and as ints elsewhere, so every id is cast here; a value that is
 * not an id at all is refused (InvalidArgumentException) rather than forwarded as 0.
 * Nothing outside the listed keys ever leaves: `original_ticket` carries password hashes.
 */
final class Sla_vigil_events
{
    /** The only original_ticket keys the service needs (PERFEX.md lists these as safe). */
    private const ORIGINAL_KEYS = ['assigned', 'department', 'priority', 'status', 'userid', 'contactid'];

    /** Keys of the settings form's data that the service may receive. */
    private const DATA_KEYS = ['department', 'priority', 'assigned', 'userid', 'contactid'];

    public static function ticketCreated(mixed $ticketId): array
    {
        return ['ticket_id' => self::id($ticketId, 'ticket id')];
    }

    public static function replyAdded(mixed $args): array
    {
        $args = self::fields($args, 'reply hook arguments');

        return [
            'ticket_id' => self::id($args['id'] ?? null, 'id'),
            'reply_id'  => self::id($args['replyid'] ?? null, 'replyid'),
            // NULL (or absent) means a contact replied; otherwise it is the staff id.
            'admin'     => self::optionalId($args['admin'] ?? null, 'admin'),
        ];
    }

    public static function statusChanged(mixed $args): array
    {
        $args = self::fields($args, 'status hook arguments');

        return [
            'ticket_id' => self::id($args['id'] ?? null, 'id'),
            'status'    => self::id($args['status'] ?? null, 'status'),
        ];
    }

    public static function settingsUpdated(mixed $args): array
    {
        $args = self::fields($args, 'settings hook arguments');
        $original = self::fields($args['original_ticket'] ?? [], 'original_ticket');
        $data = self::fields($args['data'] ?? [], 'data');

        $outOriginal = [];
        foreach (self::ORIGINAL_KEYS as $key) {
            $outOriginal[$key] = self::idOrNone($original[$key] ?? null, 'original_ticket.' . $key);
        }
        // Perfex stores 0 for "no service" from the admin and NULL from the portal.
        $outOriginal['service'] = self::optionalId($original['service'] ?? null, 'original_ticket.service');

        $outData = [];
        foreach (self::DATA_KEYS as $key) {
            if (array_key_exists($key, $data)) {
                $outData[$key] = self::idOrNone($data[$key], 'data.' . $key);
            }
        }
        if (array_key_exists('service', $data)) {
            $outData['service'] = self::optionalId($data['service'], 'data.service');
        }

        return [
            'ticket_id' => self::id($args['ticket_id'] ?? ($original['ticketid'] ?? null), 'ticket_id'),
            'original'  => $outOriginal,
            // An empty subset must still be a JSON object, not [].
            'data'      => (object) $outData,
        ];
    }

    /** The bulk action hook has no arguments; what changes is only in the form post. */
    public static function bulkAction(array $post): array
    {
        $ids = $post['ids'] ?? [];
        if (is_string($ids)) {
            $ids = $ids === '' ? [] : explode(',', $ids);
        }
        if (!is_array($ids)) {
            throw new InvalidArgumentException('ids must be a list');
        }

        return [
            'ids'            => array_values(array_map(fn ($id) => self::id($id, 'ids[]'), $ids)),
            'status'         => self::optionalId($post['status'] ?? null, 'status'),
            'department'     => self::optionalId($post['department'] ?? null, 'department'),
            'priority'       => self::optionalId($post['priority'] ?? null, 'priority'),
            'service'        => self::optionalId($post['service'] ?? null, 'service'),
            'merge'          => self::flag($post['merge_tickets'] ?? null),
            'primary_ticket' => self::optionalId($post['primary_ticket'] ?? null, 'primary_ticket'),
            'mass_delete'    => self::flag($post['mass_delete'] ?? null),
        ];
    }

    public static function ticketDeleted(mixed $ticketId): array
    {
        return ['ticket_id' => self::id($ticketId, 'ticket id')];
    }

    public static function cronRun(mixed $manually): array
    {
        return ['manually' => self::flag($manually)];
    }

    /**
     * lead_created, after_lead_updated, lead_marked_as_lost / _junk, after_lead_deleted: the lead
     * id only. PERFEX.md does not give its type, so an int and a numeric string are both taken.
     */
    public static function leadId(mixed $leadId): array
    {
        return ['lead_id' => self::id($leadId, 'lead id')];
    }

    /**
     * lead_status_changed {lead_id, old_status, new_status} from the edit form and the kanban
     * drag; PERFEX.md does not give the types, so ints and numeric strings are both taken.
     */
    public static function leadStatusChanged(mixed $args): array
    {
        $args = self::fields($args, 'lead status hook arguments');

        return [
            'lead_id'    => self::id($args['lead_id'] ?? null, 'lead_id'),
            'old_status' => self::id($args['old_status'] ?? null, 'old_status'),
            'new_status' => self::id($args['new_status'] ?? null, 'new_status'),
        ];
    }

    /** Perfex hands rows as arrays or as CodeIgniter result objects; accept both. */
    private static function fields(mixed $value, string $name): array
    {
        if (is_array($value)) {
            return $value;
        }
        if (is_object($value)) {
            return get_object_vars($value);
        }
        throw new InvalidArgumentException($name . ' must be an array or object');
    }

    private static function id(mixed $value, string $name): int
    {
        if (is_int($value)) {
            return $value;
        }
        if (is_string($value) && preg_match('/^\s*-?\d+\s*$/', $value) === 1) {
            return (int) trim($value);
        }
        throw new InvalidArgumentException($name . ' is not an integer id');
    }

    /** A select left on "none" posts '' (unassigning, say), a column may be NULL: both are 0. */
    private static function idOrNone(mixed $value, string $name): int
    {
        return $value === null || $value === '' ? 0 : self::id($value, $name);
    }

    /** Form fields left empty ('') and NULL columns both mean "none". */
    private static function optionalId(mixed $value, string $name): ?int
    {
        return $value === null || $value === '' ? null : self::id($value, $name);
    }

    /** Checkboxes post "on"/"1", hooks pass booleans; anything else is false. */
    private static function flag(mixed $value): bool
    {
        if (is_bool($value)) {
            return $value;
        }
        if (is_int($value)) {
            return $value !== 0;
        }
        if (is_string($value)) {
            return in_array(strtolower(trim($value)), ['1', 'on', 'true', 'yes'], true);
        }

        return false;
    }
}
