<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/**
 * Where the SLA badge goes in a row of Perfex's lead list (`leads_table_row_data($row, $aRow)`).
 * PERFEX.md says which cell of a ticket row holds what, but not for leads, nor the keys of $aRow:
 * the badge is appended to the cell that shows the lead's name ($aRow['name'], the leads table's
 * column; see nameCell for how it is told from the others), the cell a person reads the lead by. When
 * there is no name, or no cell shows it, the row is left as it is and this is logged once per
 * request (install.md, "what to check in a real Perfex").
 */
final class Sla_vigil_lead_row
{
    private static bool $loggedThisRequest = false;

    /** A new request (tests). */
    public static function reset(): void
    {
        self::$loggedThisRequest = false;
    }

    /** The row with the badge appended to the lead's name cell, or unchanged when it has none. */
    public static function withBadge(mixed $row, mixed $aRow, string $badge): mixed
    {
        $cell = is_array($row) ? self::nameCell($row, $aRow) : null;
        if ($cell === null) {
            self::logSkipped();

            return $row;
        }
        $row[$cell] .= ' ' . $badge;

        return $row;
    }

    /** The key of the first text cell that shows the lead's name, or null. */
    private static function nameCell(array $row, mixed $aRow): int|string|null
    {
        if (is_object($aRow)) {
            $aRow = get_object_vars($aRow);
        }
        $name = is_array($aRow) && is_string($aRow['name'] ?? null) ? self::visibleText($aRow['name']) : '';
        if ($name === '') {
            return null;
        }
        // Perfex may print the name escaped, inside a link, followed by row options: compare what
        // a person sees. The cell showing just the lead's id (the "#" column) is never it; a cell
        // with an element reading exactly the name (the name link) beats one reading exactly the
        // name, which beats one beginning with it (a company "Acme Industries" for "Acme"), which
        // beats one merely containing it; the first cell wins a tie.
        $id = is_scalar($aRow['id'] ?? null) ? trim((string) $aRow['id']) : '';
        $best = null;
        $bestScore = 0;
        foreach ($row as $key => $cell) {
            $score = (is_string($cell) || is_int($cell)) ? self::nameScore((string) $cell, $name, $id) : 0;
            if ($score > $bestScore) {
                [$best, $bestScore] = [$key, $score];
            }
        }

        return $best;
    }

    /** How surely this cell is the one showing the name: 0 (not at all) to 4 (its own element). */
    private static function nameScore(string $cell, string $name, string $id): int
    {
        $text = self::visibleText($cell);
        if ($text === $id || !str_contains($text, $name)) {
            return 0;
        }
        foreach (preg_split('/<[^>]*>/', $cell) ?: [] as $piece) {
            if (self::visibleText($piece) === $name) {
                return 4;
            }
        }

        return $text === $name ? 3 : (str_starts_with($text, $name) ? 2 : 1);
    }

    private static function visibleText(string $html): string
    {
        $text = html_entity_decode(strip_tags($html), ENT_QUOTES | ENT_HTML5, 'UTF-8');

        return trim((string) preg_replace('/\s+/u', ' ', $text));
    }

    private static function logSkipped(): void
    {
        if (self::$loggedThisRequest) {
            return;
        }
        self::$loggedThisRequest = true;
        if (function_exists('log_message')) {
            log_message('error', 'SLA Vigil: no cell of the lead list row shows the lead\'s name; the SLA badge is left out');
        }
    }
}
