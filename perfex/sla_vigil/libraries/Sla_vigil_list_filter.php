<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_fragment_client.php';
require_once __DIR__ . '/Sla_vigil_subject.php';

/**
 * "SLA state" as one of the rules of Perfex's own ticket-list and lead-list filter builders (the
 * filters `table_tickets_rules` and `table_leads_rules`, PERFEX.md "Ticket list filters": leads
 * have the same App_table shape). The choices are the states the list badge shows; the rule's SQL
 * condition comes from the service (POST /bridge/ticket-list-filter, /bridge/lead-list-filter),
 * which holds the one definition of a ticket's or lead's state now, so PHP keeps no copy of it.
 * Perfex builds a count query and a data query from the same rules: each state is asked for once
 * per list and request. With the service unreachable the rule matches nothing (logged once), so
 * Perfex's list always renders.
 */
final class Sla_vigil_list_filter
{
    public const RULE_NAME = 'sla_vigil_state';
    /** The badge's states, in the service's order (TICKET_LIST_STATES in ticket-state-sql.ts). */
    public const STATES = ['breached', 'at_risk', 'on_track', 'paused', 'met', 'no_policy'];
    /** What the rule answers when the service cannot: a condition no row satisfies. */
    public const MATCH_NOTHING = '1 = 0';

    /** @var array<string, array<string, string>> the condition of each state asked for in this request, by subject kind */
    private static array $conditions = [];
    /** @var array<string, true> the lists whose fallback was logged in this request */
    private static array $logged = [];

    /** A new request (tests). */
    public static function reset(): void
    {
        self::$conditions = [];
        self::$logged = [];
    }

    /**
     * `table_tickets_rules($rules)` / `table_leads_rules($rules)`: the rules with the SLA rule
     * appended, for staff with View (view own sees only its own badges, so it filters on none).
     */
    public static function addRule(mixed $rules, Sla_vigil_subject $subject): mixed
    {
        try {
            if (!is_array($rules) || !class_exists('App_table_filter') || !staff_can('view', Sla_vigil_fragments::FEATURE)) {
                return $rules;
            }
            $rules[] = App_table_filter::new(self::RULE_NAME, 'SelectRule')
                ->label(_l('sla_vigil_list_filter'))
                ->options(self::options($subject))
                ->raw(fn (mixed $value = null): string => self::condition($value, $subject));
        } catch (Throwable $e) {
            if (function_exists('log_message')) {
                log_message('error', 'SLA Vigil: could not add the SLA filter: ' . get_class($e) . ': ' . $e->getMessage());
            }
        }

        return $rules;
    }

    /**
     * The rule's choices, localised with the module's language file (the same labels as the
     * service's `list_filter.*` and `lead_list_filter.*`: the live states count open tickets or
     * leads only, as the dashboard does). PERFEX.md does not give the shape options() takes;
     * value/label pairs are what a select needs.
     *
     * @return list<array{value: string, label: string}>
     */
    public static function options(Sla_vigil_subject $subject): array
    {
        return array_map(fn (string $state): array => ['value' => $state, 'label' => _l($subject->stateLabel . $state)], self::STATES);
    }

    /**
     * The SQL condition for the chosen value. PERFEX.md says raw() receives the value; several
     * values (should a select ever hand over a list) are OR-ed.
     */
    public static function condition(mixed $value, Sla_vigil_subject $subject): string
    {
        try {
            $states = array_values(array_filter(
                array_map(fn (mixed $one): string => is_scalar($one) ? trim((string) $one) : '', is_array($value) ? $value : [$value]),
                fn (string $one): bool => $one !== ''
            ));
            if ($states === []) {
                return self::MATCH_NOTHING;
            }
            $conditions = array_map(fn (string $state): string => self::conditionOf($state, $subject), array_unique($states));

            return count($conditions) === 1 ? $conditions[0] : '((' . implode(') OR (', $conditions) . '))';
        } catch (Throwable $e) {
            self::logFallback($subject, get_class($e) . ': ' . $e->getMessage());

            return self::MATCH_NOTHING;
        }
    }

    private static function conditionOf(string $state, Sla_vigil_subject $subject): string
    {
        $asked = &self::$conditions[$subject->kind];
        if (!isset($asked[$state])) {
            // Cached before asking, failure included: the data query must not ask again.
            $asked[$state] = self::MATCH_NOTHING;
            $answer = Sla_vigil_fragment_client::fetch($subject->filterEndpoint, ['state' => $state]);
            $condition = $answer['condition'] ?? null;
            if (is_string($condition) && trim($condition) !== '') {
                $asked[$state] = $condition;
            } else {
                self::logFallback($subject, 'no condition for the state "' . substr($state, 0, 40) . '"');
            }
        }

        return $asked[$state];
    }

    private static function logFallback(Sla_vigil_subject $subject, string $reason): void
    {
        if (isset(self::$logged[$subject->kind])) {
            return;
        }
        self::$logged[$subject->kind] = true;
        if (function_exists('log_message')) {
            log_message('error', 'SLA Vigil: the SLA filter of the ' . $subject->kind . ' list matches no ' . $subject->kind . ': ' . $reason);
        }
    }
}
