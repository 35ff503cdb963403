<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_fragment_client.php';
require_once __DIR__ . '/Sla_vigil_admin_base.php';
require_once __DIR__ . '/Sla_vigil_subject.php';
require_once __DIR__ . '/Sla_vigil_lead_row.php';

/**
 * The module's pieces inside Perfex's own screens (bridge-contract, addendum 2): the SLA badge in
 * the ticket and lead lists, the SLA tab on a ticket and in the lead modal, the "My SLA risks"
 * home widget. Each asks the service once per page view and keeps the answer for the rest of the
 * request (static state = one PHP request). Staff without any of the module's capabilities (view
 * own, view, manage) cause no request at all; for those with one, the service decides per ticket
 * or lead what they may see. Nothing here throws; on failure nothing is added. What differs
 * between tickets and leads is in Sla_vigil_subject.
 */
final class Sla_vigil_fragments
{
    public const FEATURE = 'sla_vigil';
    public const WIDGET_PATH = 'sla_vigil/widgets/my_risks';
    /** The status cell of Perfex's ticket list (PERFEX.md: cells 0..10, 7 = status). */
    public const STATUS_CELL = 7;
    /** The contract's limit for one /bridge/ticket-list or /bridge/lead-list call. */
    public const MAX_LIST_IDS = 500;

    /** @var array<string, array<int, string>> badge HTML by subject kind and id, for this request's list page */
    private static array $badges = [];
    /** @var array<string, array<int, array{title: string, html: string}|null>> tab answers by subject kind and id */
    private static array $panels = [];

    /** A new request (tests). */
    public static function reset(): void
    {
        self::$badges = [];
        self::$panels = [];
        Sla_vigil_fragment_client::reset();
        Sla_vigil_lead_row::reset();
    }

    /**
     * `datatables_sql_query_results($rows, ['table' => ..., 'limit', 'order'])`: the whole
     * page of result rows before the per-row filter runs, so the one batched lookup fits
     * here, for the tickets or the leads list. The rows are returned unchanged.
     */
    public static function collectListBadges(mixed $rows, mixed $params = []): mixed
    {
        try {
            $subject = self::listSubject($params);
            if ($subject === null || !is_array($rows) || $rows === [] || !self::staffSeesSla()) {
                return $rows;
            }
            $ids = [];
            foreach ($rows as $row) {
                $id = $subject->idOf($row);
                if ($id !== null) {
                    $ids[$id] = $id;
                }
            }
            $ids = array_slice(array_values($ids), 0, self::MAX_LIST_IDS);
            if ($ids === []) {
                return $rows;
            }
            $answer = Sla_vigil_fragment_client::fetch($subject->listEndpoint, self::identity() + [$subject->idsField => $ids]);
            $badges = is_array($answer['badges'] ?? null) ? $answer['badges'] : [];
            foreach ($badges as $id => $html) {
                if (is_string($html) && $html !== '' && is_numeric($id)) {
                    self::$badges[$subject->kind][(int) $id] = $html;
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
            $badge = self::badgeOf(Sla_vigil_subject::ticket(), $aRow);
            // Only a cell that is HTML text (Perfex's status label) gets the badge appended.
            if ($badge === null || !is_array($row) || !is_string($row[self::STATUS_CELL] ?? null)) {
                return $row;
            }
            $row[self::STATUS_CELL] .= ' ' . $badge;
        } catch (Throwable $e) {
            self::logError('a list badge', $e);
        }

        return $row;
    }

    /** `leads_table_row_data($row, $aRow)`: the badge goes inside the cell showing the lead's name. */
    public static function addLeadListBadge(mixed $row, mixed $aRow = []): mixed
    {
        try {
            $badge = self::badgeOf(Sla_vigil_subject::lead(), $aRow);

            return $badge === null ? $row : Sla_vigil_lead_row::withBadge($row, $aRow, $badge);
        } catch (Throwable $e) {
            self::logError('a lead list badge', $e);

            return $row;
        }
    }

    /** The badge the page's batched lookup gave this row, if any. */
    private static function badgeOf(Sla_vigil_subject $subject, mixed $aRow): ?string
    {
        $id = $subject->idOf($aRow);

        return $id === null ? null : (self::$badges[$subject->kind][$id] ?? null);
    }

    /** `after_admin_single_ticket_tab_menu_last_item($ticket)`, `after_lead_lead_tabs($lead)`: the tab link. */
    public static function tabLink(Sla_vigil_subject $subject, mixed $shown): string
    {
        $panel = self::panel($subject, $shown);
        if ($panel === null) {
            return '';
        }
        $pane = htmlspecialchars($subject->paneId, ENT_QUOTES, 'UTF-8');

        return '<li role="presentation"><a href="#' . $pane . '" aria-controls="' . $pane . '" role="tab" data-toggle="tab">'
            . htmlspecialchars($panel['title'], ENT_QUOTES, 'UTF-8') . '</a></li>';
    }

    /** `after_admin_single_ticket_tab_menu_last_content($ticket)`, `after_lead_tabs_content($lead)`: the tab pane. */
    public static function tabPane(Sla_vigil_subject $subject, mixed $shown): string
    {
        $panel = self::panel($subject, $shown);
        if ($panel === null) {
            return '';
        }

        // The service's panel HTML is escaped by its templates.
        return '<div role="tabpanel" class="tab-pane" id="' . htmlspecialchars($subject->paneId, ENT_QUOTES, 'UTF-8') . '">'
            . $panel['html'] . '</div>';
    }

    /**
     * Whether the signed-in staff member may see any SLA fragment: view own (the badges, tabs
     * and widget on their own tickets and leads) or anything above it. Perfex's staff_can() knows no
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

    /**
     * @return array{title: string, html: string}|null one request per ticket or lead and page view;
     * null for the "new lead" form's NULL lead
     */
    private static function panel(Sla_vigil_subject $subject, mixed $shown): ?array
    {
        try {
            $id = $subject->idOf($shown);
            if ($id === null) {
                return null;
            }
            if (!array_key_exists($id, self::$panels[$subject->kind] ?? [])) {
                // Cached before asking, failure included: the second hook must not ask again.
                self::$panels[$subject->kind][$id] = null;
                if (self::staffSeesSla()) {
                    self::$panels[$subject->kind][$id] = self::titledFragment(
                        Sla_vigil_fragment_client::fetch($subject->panelEndpoint, self::identity() + [$subject->idField => $id])
                    );
                }
            }

            return self::$panels[$subject->kind][$id];
        } catch (Throwable $e) {
            self::logError('the ' . $subject->kind . ' tab', $e);

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

    /** The subject whose list the query reads (tickets or leads), or null for any other table. */
    private static function listSubject(mixed $params): ?Sla_vigil_subject
    {
        foreach (Sla_vigil_subject::all() as $subject) {
            if ($subject->isListTable($params)) {
                return $subject;
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
