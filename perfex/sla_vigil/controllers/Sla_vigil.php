<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

require_once __DIR__ . '/../libraries/Sla_vigil_page_proxy.php';
require_once __DIR__ . '/../libraries/Sla_vigil_connection.php';
require_once __DIR__ . '/../libraries/Sla_vigil_fragments.php';

/**
 * admin/sla_vigil/... : every sub-path reaches _remap, which checks the door, forwards the
 * request to the SLA Vigil service over the signed channel and turns its answer into a
 * Perfex answer. The request building and the answer's classification live in
 * libraries/ (testable without CodeIgniter); this class only talks to Perfex.
 */
class Sla_vigil extends AdminController
{
    private const PASSED_HEADER_NAMES = [
        'content-type'        => 'Content-Type',
        'content-disposition' => 'Content-Disposition',
        'cache-control'       => 'Cache-Control',
        'x-sla-vigil-updated' => 'X-Sla-Vigil-Updated',
        'x-sla-vigil-total'   => 'X-Sla-Vigil-Total',
    ];

    public function __construct()
    {
        parent::__construct();
    }

    public function _remap($method, $params = [])
    {
        // Where the service listens is Perfex's own setting, answered here even when the
        // service is down; only administrators may point Perfex's staff at another server.
        if ((string) $method === 'connection') {
            $this->connection();

            return;
        }
        // The assets (the countdown script of the badge, tab and widget) also serve view own;
        // the service checks the capability again. Everything else needs view.
        $assetsOnly = (string) $method === 'assets' && Sla_vigil_fragments::staffSeesSla();
        if (staff_cant('view', 'sla_vigil') && !$assetsOnly) {
            access_denied('sla_vigil');

            return; // access_denied redirects; nothing may be forwarded if it ever returns
        }

        $answer = Sla_vigil_page_proxy::answer(
            (string) get_option('sla_vigil_service_url'),
            (string) get_option('sla_vigil_secret'),
            $this->browserRequest((string) $method, is_array($params) ? $params : []),
            $this->identity()
        );

        switch ($answer['kind']) {
            case 'fragment':
                $this->page((int) $answer['status'], (string) $answer['html'], (string) $answer['title']);
                break;
            case 'redirect':
                redirect(admin_url((string) $answer['path']));
                break;
            case 'pass':
                $this->passThrough((int) $answer['status'], $answer['headers'], (string) $answer['body']);
                break;
            case 'method_not_allowed':
                // Only GET, HEAD and POST are forwarded: CodeIgniter checks its CSRF token on POST only.
                $this->output->set_status_header(405);
                $this->output->set_header('Allow: ' . implode(', ', Sla_vigil_page_proxy::FORWARDED_METHODS));
                $this->output->set_output('');
                break;
            default:
                $this->unavailable((string) $answer['url']);
        }
    }

    private function connection(): void
    {
        if (!is_admin()) {
            access_denied('sla_vigil');

            return;
        }
        $serviceUrl = (string) get_option(Sla_vigil_connection::OPTION);
        $error = null;
        if (strtoupper((string) ($_SERVER['REQUEST_METHOD'] ?? 'GET')) === 'POST') {
            if (!$this->postedFromPerfex()) {
                set_status_header(403);
                $this->load->view('connection', $this->connectionView($serviceUrl, 'sla_vigil_connection_not_from_perfex'));

                return;
            }
            $submitted = $_POST['service_url'] ?? '';
            $submitted = is_string($submitted) ? trim($submitted) : '';
            $error = Sla_vigil_connection::problem($submitted);
            if ($error === null) {
                update_option(Sla_vigil_connection::OPTION, rtrim($submitted, '/'));
                set_alert('success', _l('sla_vigil_connection_saved'));
                redirect(admin_url('sla_vigil/connection'));

                return;
            }
            $serviceUrl = $submitted;
        }
        set_status_header($error === null ? 200 : 422);
        $this->load->view('connection', $this->connectionView($serviceUrl, $error));
    }

    /** @return array<string, mixed> the connection view's variables */
    private function connectionView(string $serviceUrl, ?string $error): array
    {
        $identity = $this->identity();

        return [
            'title'      => htmlspecialchars(_l('sla_vigil_connection'), ENT_QUOTES, 'UTF-8'),
            'serviceUrl' => $serviceUrl,
            'error'      => $error,
            // The saved URL is the one checked: a refused submission is not tried.
            'check'      => Sla_vigil_connection::check((string) get_option(Sla_vigil_connection::OPTION), (string) get_option('sla_vigil_secret')),
            'csrf'       => ['name' => $identity['csrf_name'], 'hash' => $identity['csrf_hash']],
        ];
    }

    /**
     * The form came from Perfex's own page. CodeIgniter checks its CSRF token before any
     * controller when APP_CSRF_PROTECTION is on (a standard install); it is checked here again
     * so that an install with it off still refuses a form posted from another site: then the
     * browser's Sec-Fetch-Site, else Origin, must name this site. No evidence, no change.
     */
    private function postedFromPerfex(): bool
    {
        $identity = $this->identity();
        if ($identity['csrf_name'] !== '' && $identity['csrf_hash'] !== '') {
            $sent = $_POST[$identity['csrf_name']] ?? null;

            return is_string($sent) && hash_equals($identity['csrf_hash'], $sent);
        }
        $site = strtolower((string) ($_SERVER['HTTP_SEC_FETCH_SITE'] ?? ''));
        if ($site !== '') {
            return $site === 'same-origin';
        }
        $origin = parse_url((string) ($_SERVER['HTTP_ORIGIN'] ?? ''));
        $perfex = parse_url((string) admin_url());

        return is_array($origin) && is_array($perfex) && isset($origin['host'], $perfex['host'])
            && strtolower($origin['host']) === strtolower($perfex['host'])
            && ($origin['scheme'] ?? '') === ($perfex['scheme'] ?? '')
            && ($origin['port'] ?? null) === ($perfex['port'] ?? null);
    }

    /**
     * The browser's own query: from REQUEST_URI, since a rewrite such as `index.php?/$1` makes
     * QUERY_STRING carry the route as well (QUERY_STRING only where there is no REQUEST_URI).
     */
    private static function browserQuery(): string
    {
        if (isset($_SERVER['REQUEST_URI']) && is_string($_SERVER['REQUEST_URI'])) {
            $query = parse_url($_SERVER['REQUEST_URI'], PHP_URL_QUERY);

            return is_string($query) ? $query : '';
        }

        return (string) ($_SERVER['QUERY_STRING'] ?? '');
    }

    /**
     * A status CodeIgniter 3 knows: set_status_header() calls show_error() for any other,
     * which would turn the service's answer into Perfex's error page.
     */
    private static function knownStatus(int $status): int
    {
        $known = [200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 307, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 422, 426, 428, 429, 431, 500, 501, 502, 503, 504, 505, 511];
        if (in_array($status, $known, true)) {
            return $status;
        }

        return $status >= 400 && $status < 500 ? 400 : ($status >= 500 ? 500 : 200);
    }

    /** The raw body; a method of its own so that tests can hand one in. */
    protected function requestBody(): string
    {
        return (string) file_get_contents('php://input');
    }

    /** @return array{method: string, rest: string, query: string, body: string, content_type: string} */
    private function browserRequest(string $method, array $params): array
    {
        $segments = (isset($this->uri) && is_object($this->uri) && method_exists($this->uri, 'segment_array'))
            ? $this->uri->segment_array()
            : [];

        return [
            'method'       => strtoupper((string) ($_SERVER['REQUEST_METHOD'] ?? 'GET')),
            'rest'         => Sla_vigil_page_request::rest($segments, $method, $params),
            'query'        => self::browserQuery(),
            'body'         => $this->requestBody(),
            'content_type' => (string) ($_SERVER['CONTENT_TYPE'] ?? $_SERVER['HTTP_CONTENT_TYPE'] ?? ''),
        ];
    }

    /** @return array{staff: int, lang: string, csrf_name: string, csrf_hash: string, base: string} */
    private function identity(): array
    {
        // A staff member without a language of their own uses the install's default.
        $lang = (string) get_staff_default_language();
        if ($lang === '') {
            $lang = (string) get_option('active_language');
        }
        $security = get_instance()->security ?? null;
        $csrfName = (is_object($security) && method_exists($security, 'get_csrf_token_name')) ? (string) $security->get_csrf_token_name() : '';
        if (is_object($security) && method_exists($security, 'get_csrf_hash')) {
            $csrfHash = (string) $security->get_csrf_hash();
        } else {
            $csrfHash = function_exists('get_csrf_hash') ? (string) get_csrf_hash() : '';
        }

        return [
            'staff'     => (int) get_staff_user_id(),
            'lang'      => $lang !== '' ? $lang : 'english',
            'csrf_name' => $csrfName,
            'csrf_hash' => $csrfHash,
            'base'      => Sla_vigil_admin_base::current(),
        ];
    }

    private function page(int $status, string $html, string $title): void
    {
        set_status_header(self::knownStatus($status));
        // Escaped here because whether Perfex's head escapes $title is not known.
        $this->load->view('page', ['html' => $html, 'title' => htmlspecialchars($title, ENT_QUOTES, 'UTF-8')]);
    }

    private function unavailable(string $url): void
    {
        $message = strtr(htmlspecialchars(_l('sla_vigil_unreachable'), ENT_QUOTES, 'UTF-8'), [
            '{url}'     => htmlspecialchars($url, ENT_QUOTES, 'UTF-8'),
            '{command}' => '<code>npx sla-vigil serve</code>',
        ]);
        $this->page(502, '<div class="alert alert-danger">' . $message . '</div>', _l('sla_vigil'));
    }

    /** @param array<string, string> $headers lower-case names, already limited to the passed ones */
    private function passThrough(int $status, array $headers, string $body): void
    {
        // CodeIgniter would otherwise replace {elapsed_time} / {memory_usage} in a CSV body.
        if (property_exists($this->output, 'parse_exec_vars')) {
            $this->output->parse_exec_vars = false;
        }
        $this->output->set_status_header(self::knownStatus($status));
        foreach ($headers as $name => $value) {
            if (isset(self::PASSED_HEADER_NAMES[$name])) {
                $this->output->set_header(self::PASSED_HEADER_NAMES[$name] . ': ' . $value);
            }
        }
        $this->output->set_output($body);
    }
}
