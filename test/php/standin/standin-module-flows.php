<?php

declare(strict_types=1);

/*
 * TEST STAND-IN: Perfex's module activation (`GET admin/modules/activate/NAME`, PERFEX.md: fires
 * `activate_NAME_module`) with a database-backed create_email_template. PERFEX.md only says the
 * helper creates a template that is then editable per language; the rows written here (one per
 * language, columns slug, language, name, subject, message, type) are the shape the service's
 * reader assumes (src/host/perfex/perfex-email-templates.ts), not a fact about Perfex.
 */

/** The languages the stand-in's Perfex has installed. */
const STANDIN_LANGUAGES = ['english', 'german', 'spanish'];

/** @return array<string, mixed>|null */
function standin_module_flow(mysqli $db, array $s): ?array
{
    if (implode('/', array_slice($s, 0, 3)) !== 'admin/modules/activate' || ($s[3] ?? '') !== 'sla_vigil') {
        return null;
    }
    PerfexStub::$emailTemplateWriter = function (string $subject, string $message, string $type, string $name, string $slug) use ($db): void {
        foreach (STANDIN_LANGUAGES as $language) {
            standin_run(
                $db,
                'INSERT INTO tblemailtemplates (type, slug, language, name, subject, message, fromname, plaintext, active) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1)',
                [$type, $slug, $language, $name, $subject, $message, '{companyname} | CRM']
            );
        }
    };
    $before = PerfexStub::$options;
    hooks()->do_action('activate_sla_vigil_module');
    // Perfex's add_option/update_option write tbloptions; the stubs keep them in memory.
    foreach (PerfexStub::$options as $name => $option) {
        if (($before[$name] ?? null) !== $option) {
            standin_run(
                $db,
                'INSERT INTO tbloptions (name, value, autoload) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)',
                [$name, $option['value'], $option['autoload']]
            );
        }
    }

    return ['templates' => count(PerfexStub::$emailTemplates)];
}
