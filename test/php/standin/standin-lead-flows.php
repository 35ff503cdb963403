<?php

declare(strict_types=1);

/*
 * TEST STAND-IN: Perfex's lead flows as PERFEX.md's Leads table describes them (the leads row
 * written, then the hook Perfex fires with its argument shape: the lead id, or
 * {lead_id, old_status, new_status}). Not Perfex's code. PERFEX.md does not give these
 * arguments' types; assumed, after its general rule: strings where the value comes from the
 * admin's request (URL or form), the int insert id on create.
 */

/** @return array<string, mixed>|null null when the path is not a lead route */
function standin_lead_flow(mysqli $db, array $s, array $in): ?array
{
    if (($s[0] ?? '') !== 'admin' || ($s[1] ?? '') !== 'leads') {
        return null;
    }
    $id = (string) ($s[3] ?? '');

    return match ($s[2] ?? '') {
        'add'                => standin_lead_create($db, $in),
        'update'             => standin_lead_update($db, $id, $in),
        'update_lead_status' => standin_lead_kanban($db, (string) ($in['leadid'] ?? ''), (string) ($in['status'] ?? '')),
        'mark_as_lost'       => standin_lead_mark($db, $id, 'lost'),
        'mark_as_junk'       => standin_lead_mark($db, $id, 'junk'),
        'delete'             => standin_lead_delete($db, $id),
        // Perfex's lead screens (standin-lead-screens.php): the list's page and the lead modal.
        'table'              => standin_lead_table($db, $in),
        'lead'               => standin_lead_modal($db, $id),
        default              => throw new StandinNotFound('no stand-in lead route ' . implode('/', $s)),
    };
}

/** The admin's "new lead" form: the row, then lead_created(id) (Leads_model.php:126). */
function standin_lead_create(mysqli $db, array $in): array
{
    $now = standin_now();
    $assigned = (int) ($in['assigned'] ?? 0);
    $id = standin_run(
        $db,
        'INSERT INTO tblleads (name, company, country, status, source, assigned, dateadded, dateassigned, last_status_change, addedfrom, is_public, from_form_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)',
        [
            (string) $in['name'], (string) ($in['company'] ?? ''), (int) ($in['country'] ?? 0), (int) $in['status'],
            (int) $in['source'], $assigned, $now, $assigned ? substr($now, 0, 10) : null, $now, get_staff_user_id(),
        ]
    );
    hooks()->do_action('lead_created', $id);

    return ['leadid' => $id];
}

/** @return array<string, mixed> */
function standin_lead(mysqli $db, int $id): array
{
    $rows = standin_rows($db, 'SELECT * FROM tblleads WHERE id = ?', [$id]);
    if ($rows === []) {
        throw new StandinNotFound('lead ' . $id . ' does not exist');
    }

    return $rows[0];
}

/**
 * The lead's edit form: lead_status_changed when the status moved (:286), then
 * after_lead_updated (:308) when anything changed; values as posted (strings).
 */
function standin_lead_update(mysqli $db, string $id, array $in): array
{
    $lead = standin_lead($db, (int) $id);
    $now = standin_now();
    $sets = [];
    $params = [];
    foreach (['status', 'source', 'country', 'assigned'] as $column) {
        if (array_key_exists($column, $in) && (int) $in[$column] !== (int) $lead[$column]) {
            $sets[] = $column . ' = ?';
            $params[] = (int) $in[$column];
        }
    }
    if ($sets === []) {
        return [];
    }
    $statusMoved = array_key_exists('status', $in) && (int) $in['status'] !== (int) $lead['status'];
    if ($statusMoved) {
        $sets[] = 'last_status_change = ?';
        $params[] = $now;
    }
    standin_run($db, 'UPDATE tblleads SET ' . implode(', ', $sets) . ' WHERE id = ?', [...$params, (int) $id]);
    if ($statusMoved) {
        hooks()->do_action('lead_status_changed', ['lead_id' => $id, 'old_status' => (string) $lead['status'], 'new_status' => (string) $in['status']]);
    }
    hooks()->do_action('after_lead_updated', $id);

    return [];
}

/** The kanban drag (:835): only the status moves and only lead_status_changed fires. */
function standin_lead_kanban(mysqli $db, string $id, string $status): array
{
    $lead = standin_lead($db, (int) $id);
    if ((int) $lead['status'] === (int) $status) {
        return [];
    }
    standin_run($db, 'UPDATE tblleads SET status = ?, last_status_change = ? WHERE id = ?', [(int) $status, standin_now(), (int) $id]);
    hooks()->do_action('lead_status_changed', ['lead_id' => $id, 'old_status' => (string) $lead['status'], 'new_status' => $status]);

    return [];
}

/** Mark as lost / junk (:423 / :484): the flag, then the hook with the lead id. */
function standin_lead_mark(mysqli $db, string $id, string $column): array
{
    standin_lead($db, (int) $id);
    standin_run($db, "UPDATE tblleads SET $column = 1 WHERE id = ?", [(int) $id]);
    hooks()->do_action($column === 'lost' ? 'lead_marked_as_lost' : 'lead_marked_as_junk', $id);

    return [];
}

/** Delete: before_lead_deleted (:329), the row, after_lead_deleted (:391). */
function standin_lead_delete(mysqli $db, string $id): array
{
    standin_lead($db, (int) $id);
    hooks()->do_action('before_lead_deleted', $id);
    standin_run($db, 'DELETE FROM tblleads WHERE id = ?', [(int) $id]);
    hooks()->do_action('after_lead_deleted', $id);

    return [];
}
