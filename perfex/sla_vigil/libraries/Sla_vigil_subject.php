<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/**
 * What differs between a ticket and a lead on Perfex's screens, spelled once: the list's table,
 * the key its rows carry, and the service's routes and body fields for the list badges, the SLA
 * tab and the list filter (bridge-contract addendum 2). Everything else about the fragments is the
 * same for both (Sla_vigil_fragments, Sla_vigil_list_filter).
 */
final class Sla_vigil_subject
{
    /**
     * @param string       $table      the list's table without Perfex's prefix
     * @param list<string> $idKeys     where a row, the ticket view's $ticket or the lead modal's $lead keeps the id
     * @param string       $paneId     the SLA tab's pane id (unique within Perfex's page)
     * @param string       $stateLabel the language key prefix of the list filter's choices
     */
    private function __construct(
        public readonly string $kind,
        public readonly string $table,
        public readonly array $idKeys,
        public readonly string $listEndpoint,
        public readonly string $idsField,
        public readonly string $panelEndpoint,
        public readonly string $idField,
        public readonly string $filterEndpoint,
        public readonly string $paneId,
        public readonly string $stateLabel,
    ) {
    }

    public static function ticket(): self
    {
        static $ticket = null;

        // The tickets table's key is `ticketid`; `id` is accepted because PERFEX.md names no row keys.
        return $ticket ??= new self(
            'ticket',
            'tickets',
            ['ticketid', 'id'],
            '/bridge/ticket-list',
            'ticket_ids',
            '/bridge/ticket-panel',
            'ticket_id',
            '/bridge/ticket-list-filter',
            'sla_vigil',
            'sla_vigil_state_',
        );
    }

    public static function lead(): self
    {
        static $lead = null;

        // The leads table's key is `id` (PERFEX.md); the lead modal's $lead is taken to carry it too.
        return $lead ??= new self(
            'lead',
            'leads',
            ['id'],
            '/bridge/lead-list',
            'lead_ids',
            '/bridge/lead-panel',
            'lead_id',
            '/bridge/lead-list-filter',
            'sla_vigil_lead',
            'sla_vigil_lead_state_',
        );
    }

    /** @return list<self> */
    public static function all(): array
    {
        return [self::ticket(), self::lead()];
    }

    /**
     * The subject's id in a list row ($aRow), the ticket view's $ticket or the lead modal's $lead,
     * array or object; ids arrive as MySQL's strings or as ints. Null when there is none (the
     * "new lead" form passes NULL).
     */
    public function idOf(mixed $row): ?int
    {
        if (is_object($row)) {
            $row = get_object_vars($row);
        }
        if (!is_array($row)) {
            return null;
        }
        foreach ($this->idKeys as $key) {
            $value = $row[$key] ?? null;
            if ((is_int($value) || (is_string($value) && ctype_digit($value))) && (int) $value > 0) {
                return (int) $value;
            }
        }

        return null;
    }

    /**
     * Whether `datatables_sql_query_results`' `table` is this subject's list. PERFEX.md names the
     * argument's keys (`table`, `limit`, `order`) but not the exact value of `table`; it is taken
     * to be the table name with Perfex's prefix, and tolerated with a leading FROM, backquotes, an
     * alias or joins after it.
     */
    public function isListTable(mixed $params): bool
    {
        $table = is_array($params) ? ($params['table'] ?? null) : null;
        if (!is_string($table)) {
            return false;
        }
        $table = strtolower(trim(str_replace('`', '', $table)));
        $table = (string) preg_replace('/^from\s+/', '', $table);
        $first = preg_split('/\s+/', $table)[0] ?? '';

        return $first === strtolower(db_prefix() . $this->table);
    }
}
