<?php

declare(strict_types=1);

/*
 * TEST STAND-IN: Perfex's ticket flows as PERFEX.md describes them (tables written, then the
 * hooks Perfex fires, with its argument types). Not Perfex's code; facts PERFEX.md does not
 * give are marked "assumed" and kept to what the devhost's ticket model does.
 */

/** @return array<string, mixed> */
function standin_flow(mysqli $db, string $path, array $in): array
{
    $s = explode('/', $path);
    $route = implode('/', array_slice($s, 0, 3));
    $lead = standin_lead_flow($db, $s, $in) ?? standin_module_flow($db, $s);
    if ($lead !== null) {
        return $lead;
    }

    return match (true) {
        $route === 'admin/tickets/add'                => standin_admin_create($db, $in),
        ($s[0] ?? '') === 'clients' && ($s[1] ?? '') === 'ticket' => standin_client_reply($db, (int) ($s[2] ?? 0), $in),
        $route === 'admin/tickets/add_reply'          => standin_staff_reply($db, (string) ($s[3] ?? ''), $in),
        $route === 'admin/tickets/change_status_ajax' => standin_change_status($db, (string) ($s[3] ?? ''), (string) ($s[4] ?? '')),
        $route === 'admin/tickets/bulk_action'        => standin_bulk_action($db, $in),
        $route === 'admin/tickets/update_single_ticket_settings' => standin_settings($db, (string) ($in['ticketid'] ?? ''), $in),
        $route === 'admin/tickets/delete'             => standin_delete($db, (string) ($s[3] ?? '')),
        $path === 'cron/index'                        => standin_cron(),
        default                                       => throw new StandinNotFound('no stand-in route ' . $path),
    };
}

/** Admin "new ticket": status forced to 1, service 0 when left empty; ticket_created(int). */
function standin_admin_create(mysqli $db, array $in): array
{
    $id = standin_run(
        $db,
        'INSERT INTO tbltickets (subject, message, department, priority, service, assigned, userid, contactid, admin, status, date, ticketkey, adminread, clientread, project_id)
         VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, 1, ?, ?, 1, 0, 0)',
        [
            (string) $in['subject'], (string) $in['message'], (int) $in['department'], (int) ($in['priority'] ?? 2),
            (int) ($in['userid'] ?? 0), (int) ($in['contactid'] ?? 0), get_staff_user_id(), standin_now(), bin2hex(random_bytes(16)),
        ]
    );
    hooks()->do_action('ticket_created', $id);

    return ['ticketid' => $id];
}

/** A contact's reply from the portal: status 1 (2 is kept); admin NULL, ints. */
function standin_client_reply(mysqli $db, int $id, array $in): array
{
    $ticket = standin_ticket($db, $id);
    $now = standin_now();
    $status = (int) $ticket['status'] === 2 ? 2 : 1;
    $replyId = standin_run(
        $db,
        'INSERT INTO tblticket_replies (ticketid, userid, contactid, date, message, admin) VALUES (?, ?, ?, ?, ?, NULL)',
        [$id, (int) $ticket['userid'], (int) $ticket['contactid'], $now, (string) $in['message']]
    );
    standin_run($db, 'UPDATE tbltickets SET lastreply = ?, status = ?, adminread = 0, clientread = 1 WHERE ticketid = ?', [$now, $status, $id]);
    hooks()->do_action('after_ticket_reply_added', ['data' => ['message' => (string) $in['message']], 'id' => $id, 'admin' => null, 'replyid' => $replyId]);
    // Assumed: the status hook fires only when the status changed (as the devhost does).
    if ($status !== (int) $ticket['status']) {
        hooks()->do_action('after_ticket_status_changed', ['id' => $id, 'status' => 1]);
    }

    return ['replyid' => $replyId];
}

/**
 * A staff reply from the admin form: the posted status (preselected from
 * default_ticket_reply_status), "assign to me" UPDATEs assigned with no settings hook; strings.
 */
function standin_staff_reply(mysqli $db, string $id, array $in): array
{
    $ticket = standin_ticket($db, (int) $id);
    $now = standin_now();
    $status = (string) ($in['status'] ?? get_option('default_ticket_reply_status') ?: '3');
    $staff = (string) get_staff_user_id();
    $replyId = standin_run(
        $db,
        'INSERT INTO tblticket_replies (ticketid, userid, contactid, date, message, admin) VALUES (?, 0, 0, ?, ?, ?)',
        [(int) $id, $now, (string) $in['message'], (int) $staff]
    );
    standin_run($db, 'UPDATE tbltickets SET lastreply = ?, status = ?, adminread = 1, clientread = 0 WHERE ticketid = ?', [$now, (int) $status, (int) $id]);
    if (!empty($in['assign_to_current_user'])) {
        standin_run($db, 'UPDATE tbltickets SET assigned = ? WHERE ticketid = ?', [(int) $staff, (int) $id]);
    }
    $post = ['message' => (string) $in['message'], 'status' => $status];
    hooks()->do_action('after_ticket_reply_added', ['data' => $post, 'id' => $id, 'admin' => $staff, 'replyid' => $replyId]);
    // Assumed: the status hook fires only when the status changed (as the devhost does).
    if ((int) $status !== (int) $ticket['status']) {
        hooks()->do_action('after_ticket_status_changed', ['id' => $id, 'status' => $status]);
    }

    return ['replyid' => $replyId];
}

/** The status dropdown on a ticket: strings from the URL. */
function standin_change_status(mysqli $db, string $id, string $status): array
{
    standin_ticket($db, (int) $id);
    standin_run($db, 'UPDATE tbltickets SET status = ? WHERE ticketid = ?', [(int) $status, (int) $id]);
    hooks()->do_action('after_ticket_status_changed', ['id' => $id, 'status' => $status]);

    return [];
}

/**
 * The ticket's settings tab: ticket_settings_updated {ticket_id, original_ticket, data}, only when
 * the UPDATE changed a row. original_ticket is a joined row whose colliding names PERFEX.md lists
 * (name = the priority's name, email and password = the contact's); values are strings, as
 * CodeIgniter's query results give them. Assumed: data holds the form's fields as posted.
 */
function standin_settings(mysqli $db, string $id, array $in): array
{
    $ticket = standin_ticket($db, (int) $id);
    $original = array_map(fn ($v) => $v === null ? null : (string) $v, $ticket);
    $original['name'] = 'Medium';
    $original['email'] = 'cora@acme.test';
    $original['password'] = '$2a$08$thecontactshashthatmustneverleave';
    $data = array_map('strval', (array) $in['data']);
    $columns = ['department', 'priority', 'service', 'assigned', 'userid', 'contactid'];
    $sets = [];
    $params = [];
    foreach ($columns as $column) {
        if (array_key_exists($column, $data)) {
            $sets[] = $column . ' = ?';
            $params[] = $data[$column] === '' ? 0 : (int) $data[$column];
        }
    }
    $db->execute_query('UPDATE tbltickets SET ' . implode(', ', $sets) . ' WHERE ticketid = ?', [...$params, (int) $id]);
    if ($db->affected_rows > 0) {
        hooks()->do_action('ticket_settings_updated', ['ticket_id' => $id, 'original_ticket' => $original, 'data' => $data]);
    }

    return [];
}

/**
 * The ticket list's bulk action: only before_do_bulk_action_for_tickets fires, BEFORE the
 * UPDATEs, with what changes in $_POST (ids[], status, merge_tickets, primary_ticket, ...).
 */
function standin_bulk_action(mysqli $db, array $in): array
{
    $_POST = array_map(fn ($v) => is_array($v) ? array_map('strval', $v) : (string) $v, $in);
    hooks()->do_action('before_do_bulk_action_for_tickets');
    $ids = array_map('intval', $_POST['ids'] ?? []);
    if (in_array(strtolower($_POST['merge_tickets'] ?? ''), ['1', 'on', 'true'], true)) {
        standin_merge($db, (int) $_POST['primary_ticket'], array_values(array_diff($ids, [(int) $_POST['primary_ticket']])));
    } elseif (($_POST['status'] ?? '') !== '') {
        foreach ($ids as $id) {
            standin_run($db, 'UPDATE tbltickets SET status = ? WHERE ticketid = ?', [(int) $_POST['status'], $id]);
        }
    }

    return [];
}

/**
 * Merge: each merged ticket's message and replies become new reply rows on the primary with
 * their original date and admin (no reply hook, lastreply unchanged); the merged ticket gets
 * status 5, " [MERGED]" and merged_ticket_id.
 */
function standin_merge(mysqli $db, int $primary, array $others): void
{
    standin_ticket($db, $primary);
    foreach ($others as $other) {
        $ticket = standin_ticket($db, $other);
        $copies = [[
            'userid' => $ticket['userid'], 'contactid' => $ticket['contactid'], 'date' => $ticket['date'],
            'message' => $ticket['message'], 'admin' => $ticket['admin'],
        ]];
        $replies = standin_rows($db, 'SELECT userid, contactid, date, message, admin FROM tblticket_replies WHERE ticketid = ? ORDER BY id', [$other]);
        foreach ([...$copies, ...$replies] as $row) {
            standin_run(
                $db,
                'INSERT INTO tblticket_replies (ticketid, userid, contactid, date, message, admin) VALUES (?, ?, ?, ?, ?, ?)',
                [$primary, (int) $row['userid'], (int) $row['contactid'], $row['date'], $row['message'], $row['admin']]
            );
        }
        standin_run(
            $db,
            'UPDATE tbltickets SET status = 5, subject = ?, merged_ticket_id = ? WHERE ticketid = ?',
            [substr((string) $ticket['subject'], 0, 191 - 9) . ' [MERGED]', (string) $primary, $other]
        );
    }
}

/** Delete: before/after_ticket_deleted with the id as a string. */
function standin_delete(mysqli $db, string $id): array
{
    standin_ticket($db, (int) $id);
    hooks()->do_action('before_ticket_deleted', $id);
    standin_run($db, 'DELETE FROM tblticket_replies WHERE ticketid = ?', [(int) $id]);
    standin_run($db, 'DELETE FROM tbltickets WHERE ticketid = ?', [(int) $id]);
    hooks()->do_action('after_ticket_deleted', $id);

    return [];
}

/** cron/index: $manually is false. */
function standin_cron(): array
{
    hooks()->do_action('before_cron_run', false);
    hooks()->do_action('after_cron_run', false);

    return [];
}

/** admin/sla_vigil/...: the module's controller, as Perfex routes a module's admin URL. */
function standin_module_page(array $segments): void
{
    // The logged-in staff member: staff 1, an administrator (AdminController requires a login).
    PerfexStub::$staffId = 1;
    PerfexStub::$admins = [1];
    require_once __DIR__ . '/../../../perfex/sla_vigil/controllers/Sla_vigil.php';
    $ci = &get_instance();
    $ci->uri = new StubUri(array_combine(range(1, count($segments)), $segments));
    hooks()->do_action('admin_init');
    $controller = new Sla_vigil();
    try {
        $controller->_remap($segments[2] ?? 'index', array_slice($segments, 3));
    } catch (PerfexExit $e) {
        http_response_code(302);
        header('Location: ' . (PerfexStub::$redirects[0] ?? admin_url('access_denied')));
        return;
    }
    http_response_code(PerfexStub::$status ?? 200);
    foreach ($ci->output->headers as $header) {
        header($header);
    }
    echo $ci->output->final_output;
}
