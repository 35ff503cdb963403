<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/Sla_vigil_http.php';
require_once __DIR__ . '/Sla_vigil_client.php';

/**
 * Hands Perfex's email settings (Setup > Settings > Email) to the SLA Vigil service on every
 * cron run, so escalation emails go out the way Perfex's own do. The service keeps them in
 * memory only (a restarted service has them again after one cron period) and must never call
 * back into Perfex, so PHP pushes. The SMTP password is stored encrypted with the install's
 * key; it is decrypted here and travels only inside the signed request: it is never logged,
 * not even in error lines. Like every hook, this never throws into Perfex's cron.
 */
final class Sla_vigil_mail_settings
{
    private const ENDPOINT = '/bridge/mail-settings';
    private const CONNECT_TIMEOUT_MS = 500;
    private const TIMEOUT_MS = 1000;

    public static function push(): bool
    {
        try {
            if (Sla_vigil_client::unreachableThisRequest()) {
                // The cron event just failed and was logged: the service is not answering.
                return false;
            }
            $body = json_encode(self::settings(), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
            $answer = Sla_vigil_http::signedPost(
                (string) get_option('sla_vigil_service_url'),
                (string) get_option('sla_vigil_secret'),
                self::ENDPOINT,
                $body,
                self::CONNECT_TIMEOUT_MS,
                self::TIMEOUT_MS
            );
            if ($answer['failure'] !== null) {
                self::log($answer['failure']);

                return false;
            }
            if ($answer['status'] < 200 || $answer['status'] >= 300) {
                // Only the field the service names: its answer is never copied into the log.
                self::log('service answered HTTP ' . $answer['status'] . self::fieldOf($answer['body']));

                return false;
            }

            return true;
        } catch (Throwable $e) {
            // The class only: a message could quote what was being encoded.
            self::log(get_class($e));

            return false;
        }
    }

    /**
     * The body of POST /bridge/mail-settings (bridge-contract), from Perfex's options.
     *
     * @return array{protocol: string, host: string, port: int, encryption: string, username: string, password: string, from_email: string, from_name: string}
     */
    public static function settings(): array
    {
        $port = trim((string) get_option('smtp_port'));

        return [
            'protocol'   => strtolower(trim((string) get_option('email_protocol'))),
            'host'       => trim((string) get_option('smtp_host')),
            // Empty or not a number: 0, "not set", and the service picks the usual port.
            'port'       => ctype_digit($port) && (int) $port <= 65535 ? (int) $port : 0,
            'encryption' => strtolower(trim((string) get_option('smtp_encryption'))),
            'username'   => trim((string) get_option('smtp_username')),
            'password'   => self::password(),
            'from_email' => trim((string) get_option('smtp_email')),
            'from_name'  => trim((string) get_option('companyname')),
        ];
    }

    /**
     * Perfex's smtp_password, decrypted with the install's key through CodeIgniter's encryption
     * library (loaded when Perfex has not yet). When that is not possible the service gets no
     * password, and the log says why (never the value).
     */
    private static function password(): string
    {
        $stored = (string) get_option('smtp_password');
        if ($stored === '') {
            return '';
        }
        if (!self::privateChannel((string) get_option('sla_vigil_service_url'))) {
            // Signed is not secret: over plain http to another machine it would cross the network readable.
            self::log('sending the settings without the SMTP password: the service URL is neither https nor this machine; use https, or set SMTP_URL on the service');

            return '';
        }
        try {
            $ci = get_instance();
            if (!isset($ci->encryption)) {
                $ci->load->library('encryption');
            }
            if (!isset($ci->encryption) || !is_object($ci->encryption) || !method_exists($ci->encryption, 'decrypt')) {
                self::log('sending the settings without the SMTP password: the encryption library is not available');

                return '';
            }
            $plain = $ci->encryption->decrypt($stored);
        } catch (Throwable $e) {
            self::log('sending the settings without the SMTP password: decrypting it failed (' . get_class($e) . ')');

            return '';
        }
        if (!is_string($plain) || $plain === '') {
            self::log("sending the settings without the SMTP password: it does not decrypt with this install's encryption key");

            return '';
        }

        return $plain;
    }

    /** https anywhere, or plain http to this machine (loopback), where no network sees the body. */
    public static function privateChannel(string $serviceUrl): bool
    {
        $parts = parse_url($serviceUrl);
        if (!is_array($parts) || !isset($parts['host'])) {
            return false;
        }
        if (strtolower($parts['scheme'] ?? '') === 'https') {
            return true;
        }
        $host = strtolower(trim($parts['host'], '[]'));

        return $host === 'localhost' || $host === '::1' || preg_match('/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/', $host) === 1;
    }

    /** ` (field x)` from the service's 422 answer, or nothing. */
    private static function fieldOf(string $body): string
    {
        $answer = json_decode($body, true);
        $field = is_array($answer) ? ($answer['field'] ?? null) : null;

        return is_string($field) && preg_match('/^[A-Za-z0-9_.]{1,64}$/', $field) === 1 ? ' (field ' . $field . ')' : '';
    }

    private static function log(string $reason): void
    {
        if (function_exists('log_message')) {
            log_message('error', 'SLA Vigil: mail settings: ' . $reason);
        }
    }
}
