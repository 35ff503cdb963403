<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_fragment_client.php';
require_once __DIR__ . '/Sla_vigil_admin_base.php';

/**
 * The module's pieces inside Perfex's own screens (bridge-contract, addendum 2): the SLA
 * badge in the ticket list, the SLA tab on a ticket, the "My SLA risks" home widget. Each
 * asks the service once per page view and keeps the answer for the rest of the request
 * (static state = one PHP request). Staff without any of the module's capabilities (view
 * own, view, manage) cause no request at all; for those with one, the service decides per
 * ticket what they may see. Nothing here throws; on failure nothing is added.
 */
final class Sla_vigil_fragments
{
    public const FEATURE = 'sla_vigil';
    public const WIDGET_PATH = 'sla_vigil/widgets/my_risks';
    /** The status cell of Perfex's ticket list (PERFEX.md: cells 0..10, 7 = status). */
    public const STATUS_CELL = 7;
    /** The contract's limit for one /bridge/ticket-list call. */
    public const MAX_LIST_IDS = 500;

    /** @var array<int, string> badge HTML by ticket id, for this request's list page */
    private static array $badges = [];
    /** @var array<int, array{title: string, html: string}|null> panel answers by ticket id */
    private static array $panels = [];

    /** A new request (tests). */
    public static function reset(): void
    {
        self::$badges = [];
        self::$panels = [];
        Sla_vigil_fragment_client::reset();
    }

    /**
     * `datatables_sql_query_results($rows, ['table' => ..., 'limit', 'order'])`: the whole
     * page of result rows before the per-row filter runs, so the one batched lookup fits
     * here. The rows are returned unchanged.
     */
    public static function collectListBadges(mixed $rows, mixed $params = []): mixed
    {
        try {
            if (!is_array($rows) || $rows === [] || !self::isTicketsTable($params) || !self::staffSeesSla()) {
                return $rows;
            }
            $ids = [];
            foreach ($rows as $row) {
                $id = self::rowTicketId($row);
                if ($id !== null) {
                    $ids[$id] = $id;
                }
            }
            $ids = array_slice(array_values($ids), 0, self::MAX_LIST_IDS);
            if ($ids === []) {
                return $rows;
            }
            $answer = Sla_vigil_fragment_client::fetch('/bridge/ticket-list', self::identity() + ['ticket_ids' => $ids]);
            $badges = is_array($answer['badges'] ?? null) ? $answer['badges'] : [];
            foreach ($badges as $id => $html) {
                if (is_string($html) && $html !== '' && is_numeric($id)) {
                    self::$badges[(int) $id] = $html;
                }
            }
        } catch (Throwable $e) {
            self::logError('the list badges', $e);
        }

        return $rows;
    }

    /** `admin_tickets_table_row_data($row, $aRow)`: the badge goes inside the status cell. */
    public static function addListBadge(mixed $row, mixed $aRow = []): mixed
    {
        try {
            $id = self::rowTicketId($aRow);
            // Only a cell that is HTML text (Perfex's status label) gets the badge appended.
            if ($id === null || !isset(self::$badges[$id]) || !is_array($row) || !is_string($row[self::STATUS_CELL] ?? null)) {
                return $row;
            }
            $row[self::STATUS_CELL] .= ' ' . self::$badges[$id];
        } catch (Throwable $e) {
            self::logError('a list badge', $e);
        }

        return $row;
    }

    /** `after_admin_single_ticket_tab_menu_last_item($ticket)`: the tab link. */
    public static function ticketTabLink(mixed $ticket): string
    {
        $panel = self::panel($ticket);
        if ($panel === null) {
            return '';
        }

        return '<li role="presentation"><a href="#sla_vigil" aria-controls="sla_vigil" role="tab" data-toggle="tab">'
            . htmlspecialchars($panel['title'], ENT_QUOTES, 'UTF-8') . '</a></li>';
    }

    /** `after_admin_single_ticket_tab_menu_last_content($ticket)`: the tab pane. */
    public static function ticketTabPane(mixed $ticket): string
    {
        $panel = self::panel($ticket);
        if ($panel === null) {
            return '';
        }

        // The service's panel HTML is escaped by its templates.
        return '<div role="tabpanel" class="tab-pane" id="sla_vigil">' . $panel['html'] . '</div>';
    }

    /**
     * Whether the signed-in staff member may see any SLA fragment: view own (the badge, tab
     * and widget on their own tickets) or anything above it. Perfex's staff_can() knows no
     * order between capabilities (a grant is a row), so each is asked.
     */
    public static function staffSeesSla(): bool
    {
        foreach (['view_own', 'view', 'manage'] as $capability) {
            if (staff_can($capability, self::FEATURE)) {
                return true;
            }
        }

        return false;
    }

    /**
     * `get_dashboard_widgets($widgets)`: the "My SLA risks" widget for staff with view own or above.
     */
    public static function addDashboardWidget(mixed $widgets): mixed
    {
        try {
            if (is_array($widgets) && self::staffSeesSla()) {
                $widgets[] = ['path' => self::WIDGET_PATH, 'container' => 'top-12'];
            }
        } catch (Throwable $e) {
            self::logError('the dashboard widget', $e);
        }

        return $widgets;
    }

    /**
     * The widget's content for views/widgets/my_risks.php.
     *
     * @return array{title: string, html: string}|null null: print nothing
     */
    public static function myRisks(): ?array
    {
        try {
            if (!self::staffSeesSla()) {
                return null;
            }

            return self::titledFragment(Sla_vigil_fragment_client::fetch('/bridge/widget/my-risks', self::identity()));
        } catch (Throwable $e) {
            self::logError('the dashboard widget', $e);

            return null;
        }
    }

    /** @return array{title: string, html: string}|null one request per ticket and page view */
    private static function panel(mixed $ticket): ?array
    {
        try {
            $id = self::rowTicketId($ticket);
            if ($id === null) {
                return null;
            }
            if (!array_key_exists($id, self::$panels)) {
                // Cached before asking, failure included: the second hook must not ask again.
                self::$panels[$id] = null;
                if (self::staffSeesSla()) {
                    self::$panels[$id] = self::titledFragment(
                        Sla_vigil_fragment_client::fetch('/bridge/ticket-panel', self::identity() + ['ticket_id' => $id])
                    );
                }
            }

            return self::$panels[$id];
        } catch (Throwable $e) {
            self::logError('the ticket tab', $e);

            return null;
        }
    }

    /** @return array{title: string, html: string}|null null unless both title and html are there */
    private static function titledFragment(?array $answer): ?array
    {
        $title = $answer['title'] ?? null;
        $html = $answer['html'] ?? null;
        if (!is_string($title) || trim($title) === '' || !is_string($html) || trim($html) === '') {
            return null;
        }

        return ['title' => $title, 'html' => $html];
    }

    /**
     * Whether the query is Perfex's tickets table. PERFEX.md names the argument's keys
     * (`table`, `limit`, `order`) but not the exact value of `table`; it is taken to be the
     * table name with Perfex's prefix, and tolerated with a leading FROM, backquotes, an
     * alias or joins after it.
     */
    public static function isTicketsTable(mixed $params): bool
    {
        $table = is_array($params) ? ($params['table'] ?? null) : null;
        if (!is_string($table)) {
            return false;
        }
        $table = strtolower(trim(str_replace('`', '', $table)));
        $table = (string) preg_replace('/^from\s+/', '', $table);
        $first = preg_split('/\s+/', $table)[0] ?? '';

        return $first === strtolower(db_prefix() . 'tickets');
    }

    /**
     * A ticket's id from a list row ($aRow) or the ticket view's $ticket (object or array).
     * The tickets table's key column is `ticketid`; `id` is accepted as a fallback because
     * PERFEX.md does not name the row's keys.
     */
    private static function rowTicketId(mixed $row): ?int
    {
        if (is_object($row)) {
            $row = get_object_vars($row);
        }
        if (!is_array($row)) {
            return null;
        }
        foreach (['ticketid', 'id'] as $key) {
            $value = $row[$key] ?? null;
            if ((is_int($value) || (is_string($value) && ctype_digit($value))) && (int) $value > 0) {
                return (int) $value;
            }
        }

        return null;
    }

    /**
     * @return array{staff_id: int, language: string, admin_base: string} who is looking, as the
     * contract asks, and where Perfex's admin lives (the fragments' links are rendered under it)
     */
    private static function identity(): array
    {
        // A staff member without a language of their own uses the install's default.
        $language = (string) get_staff_default_language();
        if ($language === '') {
            $language = (string) get_option('active_language');
        }

        return [
            'staff_id'   => (int) get_staff_user_id(),
            'language'   => $language !== '' ? $language : 'english',
            'admin_base' => Sla_vigil_admin_base::current(),
        ];
    }

    private static function logError(string $what, Throwable $e): void
    {
        if (function_exists('log_message')) {
            log_message('error', 'SLA Vigil: could not show ' . $what . ': ' . get_class($e) . ': ' . $e->getMessage());
        }
    }
}
