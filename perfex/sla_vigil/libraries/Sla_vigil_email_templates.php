<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/**
 * Registers the module's emails as Perfex email templates, editable per language under
 * Setup > Email Templates. The service sends the emails and reads the edited versions from
 * there; a template never edited is left to the service's own, translated template.
 *
 * PERFEX.md documents `create_email_template(subject, message, type, name, slug)` and nothing
 * about reading or finding templates, so whether a slug was already registered is remembered in
 * the module's own option (`REGISTERED_OPTION`, a JSON list of slugs), never looked up in
 * Perfex's table: activation, every reactivation and every admin request after an upgrade
 * register only the slugs not in it, so no template is ever created twice. The option is kept
 * on uninstall for the same reason: the templates stay in Perfex (nothing documented removes
 * them), and a reinstall must not add them again.
 */
final class Sla_vigil_email_templates
{
    public const REGISTERED_OPTION = 'sla_vigil_email_templates';

    /**
     * Perfex's template group (`type`): the recipients are staff. A guess beyond PERFEX.md, which
     * does not list the types: one constant, one place to change.
     */
    public const TYPE = 'staff';

    /**
     * The English defaults, with the service's merge fields. The same text is in the service
     * (src/host/perfex/perfex-email-template-defaults.ts), which tells an edited template from
     * an untouched one by it; test/unit/perfex-email-template-defaults.test.ts compares the two.
     *
     * @var array<string, array{name: string, subject: string, message: string}>
     */
    public const TEMPLATES = [
        'sla-vigil-escalation-ticket' => [
            'name'    => 'sla_vigil_email_template_escalation_ticket',
            'subject' => '[{sla_tag}] #{sla_ticket_id} {sla_ticket_subject} — {sla_metric}: {sla_status}',
            'message' => "<p>Hello {sla_recipient_name},</p>\n"
                . "<p><strong>{sla_intro}</strong></p>\n"
                . "<p>Ticket: #{sla_ticket_id} {sla_ticket_subject}<br>\n"
                . "Client: {sla_client_name}<br>\n"
                . "Department: {sla_department}<br>\n"
                . "SLA target: {sla_metric}<br>\n"
                . "Due: {sla_due_at}<br>\n"
                . "Status: {sla_status}<br>\n"
                . "Escalation: {sla_level}</p>\n"
                . '<p><a href="{sla_ticket_url}">Open ticket</a> | <a href="{sla_sla_url}">Open SLA panel</a></p>',
        ],
        'sla-vigil-escalation-lead' => [
            'name'    => 'sla_vigil_email_template_escalation_lead',
            'subject' => '[{sla_tag}] #{sla_lead_id} {sla_lead_name} — {sla_metric}: {sla_status}',
            'message' => "<p>Hello {sla_recipient_name},</p>\n"
                . "<p><strong>{sla_intro}</strong></p>\n"
                . "<p>Lead: #{sla_lead_id} {sla_lead_name}<br>\n"
                . "Company: {sla_lead_company}<br>\n"
                . "Market: {sla_market}<br>\n"
                . "Source: {sla_source}<br>\n"
                . "SLA target: {sla_metric}<br>\n"
                . "Due: {sla_due_at}<br>\n"
                . "Status: {sla_status}<br>\n"
                . "Escalation: {sla_level}</p>\n"
                . '<p><a href="{sla_lead_url}">Open lead</a> | <a href="{sla_sla_url}">Open SLA panel</a></p>',
        ],
        'sla-vigil-digest-daily' => [
            'name'    => 'sla_vigil_email_template_digest_daily',
            'subject' => 'SLA Vigil daily digest: {sla_period}',
            'message' => "<p>Hello {sla_recipient_name},</p>\n{sla_vigil_content}",
        ],
        'sla-vigil-digest-weekly' => [
            'name'    => 'sla_vigil_email_template_digest_weekly',
            'subject' => 'SLA Vigil weekly digest: {sla_period}',
            'message' => "<p>Hello {sla_recipient_name},</p>\n{sla_vigil_content}",
        ],
    ];

    /**
     * Creates the templates not registered yet; returns how many it created. Cheap when there is
     * nothing to do (one autoloaded option), so it runs on every admin request as well: that is
     * how an upgraded module with a new template gets it without a new activation.
     */
    public static function register(): int
    {
        if (!function_exists('create_email_template')) {
            return 0;
        }
        $registered = self::registered();
        $missing = array_diff(array_keys(self::TEMPLATES), $registered);
        if ($missing === []) {
            return 0;
        }
        $created = 0;
        foreach ($missing as $slug) {
            // Remembered before creating: a crash in between loses one template (the service
            // then uses its own), where remembering after could create it twice.
            $registered[] = $slug;
            self::remember($registered);
            try {
                $template = self::TEMPLATES[$slug];
                create_email_template($template['subject'], $template['message'], self::TYPE, self::name($template['name']), $slug);
                $created++;
            } catch (Throwable $e) {
                $registered = array_values(array_diff($registered, [$slug]));
                self::remember($registered);
                if (function_exists('log_message')) {
                    log_message('error', 'SLA Vigil: could not register the email template ' . $slug . ': ' . get_class($e));
                }
            }
        }

        return $created;
    }

    /** @return list<string> the slugs created before, as the option remembers them */
    public static function registered(): array
    {
        $list = json_decode((string) get_option(self::REGISTERED_OPTION), true);

        return is_array($list) ? array_values(array_filter($list, 'is_string')) : [];
    }

    /** @param list<string> $slugs */
    private static function remember(array $slugs): void
    {
        $json = json_encode(array_values(array_unique($slugs)), JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
        // Autoloaded: the admin_init check reads it without a query. add_option creates it and
        // never overwrites (what it returns is not documented), update_option then sets it.
        add_option(self::REGISTERED_OPTION, $json, 1);
        update_option(self::REGISTERED_OPTION, $json);
    }

    /** The template's name in the list, in the language of the admin who activated the module. */
    private static function name(string $key): string
    {
        $name = function_exists('_l') ? _l($key) : $key;

        return $name !== '' && $name !== $key ? $name : ucfirst(str_replace(['sla_vigil_email_template_', '_'], ['SLA Vigil ', ' '], $key));
    }
}
