<?php

declare(strict_types=1);

/*
 * TEST STAND-IN: Perfex's lead list and lead modal as far as PERFEX.md describes them: the list is
 * an App_table whose rules pass through `table_leads_rules`, whose page of rows passes through
 * `datatables_sql_query_results($rows, ['table', 'limit', 'order'])` and each row through
 * `leads_table_row_data($row, $aRow)`; the modal fires `after_lead_lead_tabs($lead)` and
 * `after_lead_tabs_content($lead)` (NULL on the "new lead" form). Not Perfex's code. Assumed, as
 * PERFEX.md says nothing of them: the row's cells (below), $aRow being the tblleads row and $lead
 * the row as an object, values as CodeIgniter's mysqli driver hands them (strings).
 */

/** The logged-in staff member of these screens: staff 1, an administrator. */
function standin_lead_screen_staff(): void
{
    PerfexStub::$staffId = 1;
    PerfexStub::$admins = [1];
}

/** @return array<string, string|null> a row as CodeIgniter's mysqli driver gives it */
function standin_as_strings(array $row): array
{
    return array_map(fn (mixed $v): ?string => $v === null ? null : (string) $v, $row);
}

/**
 * The lead list's page for `ids` (body), filtered by `sla_state` when given through the module's
 * rule: {"rows": {"<id>": cells}} in the list's order.
 */
function standin_lead_table(mysqli $db, array $in): array
{
    standin_lead_screen_staff();
    $ids = array_map('intval', (array) ($in['ids'] ?? []));
    $where = 'id IN (' . implode(',', array_fill(0, max(count($ids), 1), '?')) . ')';
    if (isset($in['sla_state'])) {
        // App_table: the chosen rule's raw condition becomes part of the WHERE.
        foreach (hooks()->apply_filters('table_leads_rules', []) as $rule) {
            if ($rule instanceof App_table_filter && $rule->name === 'sla_vigil_state') {
                $where .= ' AND (' . $rule->condition((string) $in['sla_state']) . ')';
            }
        }
    }
    $rows = array_map('standin_as_strings', standin_rows($db, 'SELECT * FROM tblleads WHERE ' . $where . ' ORDER BY id', $ids === [] ? [0] : $ids));
    $rows = hooks()->apply_filters('datatables_sql_query_results', $rows, ['table' => db_prefix() . 'leads', 'limit' => 'LIMIT 0, 25', 'order' => 'ORDER BY id ASC']);
    $out = [];
    foreach ($rows as $aRow) {
        $name = htmlspecialchars((string) $aRow['name'], ENT_QUOTES, 'UTF-8');
        $cells = [
            '<div class="checkbox"><input type="checkbox" value="' . $aRow['id'] . '"><label></label></div>',
            $aRow['id'],
            '<a href="#" onclick="init_lead(' . $aRow['id'] . ');return false;">' . $name . '</a><div class="row-options"><a href="#">View</a></div>',
            htmlspecialchars((string) $aRow['company'], ENT_QUOTES, 'UTF-8'),
        ];
        $out[$aRow['id']] = hooks()->apply_filters('leads_table_row_data', $cells, $aRow);
    }

    return ['rows' => (object) $out];
}

/** The lead modal of lead `id` ('' = the "new lead" form): {"tabs", "content"} the two hooks printed. */
function standin_lead_modal(mysqli $db, string $id): array
{
    standin_lead_screen_staff();
    $lead = $id === '' ? null : (object) standin_as_strings(standin_lead($db, (int) $id));
    $printed = static function (string $hook) use ($lead): string {
        ob_start();
        hooks()->do_action($hook, $lead);

        return (string) ob_get_clean();
    };

    return ['tabs' => $printed('after_lead_lead_tabs'), 'content' => $printed('after_lead_tabs_content')];
}
