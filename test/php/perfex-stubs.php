<?php

declare(strict_types=1);

/*
 * A stand-in for the few Perfex functions the module calls, written from PERFEX.md only
 * (never from Perfex's code): hooks() is WordPress-style, a callback receives exactly
 * accepted_args arguments, lower priority runs first. State lives in PerfexStub so each
 * test can reset it.
 */

final class PerfexStub
{
    /** @var array<string, array{value: string, autoload: int}> */
    public static array $options = [];
    /** @var list<array{0: string, 1: string}> */
    public static array $log = [];
    /** @var array<string, list<string>> */
    public static array $languageFiles = [];
    /** The logged-in staff member, the admins, and the grants (rows of staff_permissions). */
    public static int $staffId = 1;
    /** @var list<int> */
    public static array $admins = [];
    /** @var list<array{staff_id: int, feature: string, capability: string}> */
    public static array $staffPermissions = [];
    public static string $staffLanguage = '';
    /** The language Perfex loaded for this request (the staff member's, else the default). */
    public static string $language = 'english';
    /** @var list<array{0: string, 1: array, 2: mixed}> */
    public static array $capabilities = [];
    public static ?int $status = null;
    /** @var list<string> */
    public static array $accessDenied = [];
    /** @var list<string> */
    public static array $redirects = [];
    /** @var list<array{0: string, 1: string}> set_alert(type, message) calls */
    public static array $alerts = [];
    /** @var list<string> log_activity() lines */
    public static array $activity = [];
    /** What admin_url() starts with: Perfex at the root of its site, or in a sub-folder. */
    public static string $adminUrl = 'http://perfex.test/admin/';
    /** @var list<array{subject: string, message: string, type: string, name: string, slug: string}> create_email_template() calls */
    public static array $emailTemplates = [];
    /** A message create_email_template() throws with (a failing insert), or null. */
    public static ?string $emailTemplateFailure = null;
    /** @var (callable(string, string, string, string, string): void)|null where the php -S stand-in stores templates */
    public static $emailTemplateWriter = null;

    public static function reset(): void
    {
        self::$options = [];
        self::$log = [];
        self::$staffId = 1;
        self::$admins = [];
        self::$staffPermissions = [];
        self::$staffLanguage = '';
        self::$language = 'english';
        self::$capabilities = [];
        self::$status = null;
        self::$accessDenied = [];
        self::$redirects = [];
        self::$alerts = [];
        self::$activity = [];
        self::$adminUrl = 'http://perfex.test/admin/';
        self::$emailTemplates = [];
        self::$emailTemplateFailure = null;
        self::$emailTemplateWriter = null;
        $_POST = [];
        $ci = &get_instance();
        $ci->reset();
        $ci->db->tables = [];
    }

    /** Grants capabilities to a staff member as staff_permissions rows. */
    public static function grant(int $staffId, string $feature, string ...$capabilities): void
    {
        foreach ($capabilities as $capability) {
            self::$staffPermissions[] = ['staff_id' => $staffId, 'feature' => $feature, 'capability' => $capability];
        }
    }
}

/** CodeIgniter's redirect() and Perfex's access_denied() end the request (exit). */
final class PerfexExit extends Exception
{
}

// --- Admin surface (PERFEX.md "Admin surface", "Writing a module's admin pages") ---

function register_staff_capabilities(string $feature, array $config, mixed $name = null): void
{
    PerfexStub::$capabilities[] = [$feature, $config, $name];
}

function is_admin(mixed $staffid = ''): bool
{
    $id = ($staffid === '' || $staffid === null) ? PerfexStub::$staffId : (int) $staffid;

    return in_array($id, PerfexStub::$admins, true);
}

/** Admins always pass; others need a staff_permissions row. */
function staff_can(string $capability = '', ?string $feature = null, mixed $staff_id = ''): bool
{
    $id = ($staff_id === '' || $staff_id === null) ? PerfexStub::$staffId : (int) $staff_id;
    if (is_admin($id)) {
        return true;
    }
    foreach (PerfexStub::$staffPermissions as $row) {
        if ($row['staff_id'] === $id && $row['feature'] === $feature && $row['capability'] === $capability) {
            return true;
        }
    }

    return false;
}

function staff_cant(string $capability = '', ?string $feature = null, mixed $staff_id = ''): bool
{
    return !staff_can($capability, $feature, $staff_id);
}

function get_staff_user_id(): int
{
    return PerfexStub::$staffId;
}

function get_staff_default_language(mixed $staffid = ''): string
{
    return PerfexStub::$staffLanguage;
}

function admin_url(string $url = ''): string
{
    return PerfexStub::$adminUrl . $url;
}

/** Assets served by Perfex's web server from the module folder. */
function module_dir_url(string $module, string $segment = ''): string
{
    return 'http://perfex.test/modules/' . $module . '/' . ltrim($segment, '/');
}

/** The line from the registered module language files of the loaded language, else the key. */
function _l(string $line, mixed $label = '', bool $log_errors = true): string
{
    foreach (PerfexStub::$languageFiles as $module => $files) {
        foreach ($files as $file) {
            $path = __DIR__ . '/../../perfex/' . $module . '/language/' . PerfexStub::$language . '/' . $file . '_lang.php';
            $lang = [];
            if (is_file($path)) {
                include $path;
            }
            if (isset($lang[$line])) {
                return $lang[$line];
            }
        }
    }

    return $line;
}

/** Perfex's flash message shown after the next redirect. */
function set_alert(string $type, string $message): void
{
    PerfexStub::$alerts[] = [$type, $message];
}

function access_denied(string $permission = ''): void
{
    PerfexStub::$accessDenied[] = $permission;
    throw new PerfexExit('access_denied(' . $permission . ')');
}

function redirect(string $uri = '', string $method = 'auto', ?int $code = null): void
{
    PerfexStub::$redirects[] = $uri;
    throw new PerfexExit('redirect(' . $uri . ')');
}

function set_status_header(int $code = 200, string $text = ''): void
{
    PerfexStub::$status = $code;
}

function init_head(bool $aside = true): void
{
    echo "<!-- stub:init_head -->\n";
}

function init_tail(): void
{
    echo "<!-- stub:init_tail -->\n";
}

final class StubMenu
{
    /** @var list<array{0: string, 1: string, 2: array}> */
    public array $calls = [];

    public function add_sidebar_menu_item(string $slug, array $item): void
    {
        $this->calls[] = ['add_sidebar_menu_item', $slug, $item];
    }

    public function add_sidebar_children_item(string $parent, array $item): void
    {
        $this->calls[] = ['add_sidebar_children_item', $parent, $item];
    }

    public function add_setup_menu_item(string $slug, array $item): void
    {
        $this->calls[] = ['add_setup_menu_item', $slug, $item];
    }
}

final class StubSecurity
{
    public function get_csrf_token_name(): string
    {
        return 'csrf_token_name';
    }

    /** CodeIgniter keeps no hash when csrf_protection is off (APP_CSRF_PROTECTION false). */
    public ?string $hash = 'c5rfh45h';

    public function get_csrf_hash(): ?string
    {
        return $this->hash;
    }
}

/**
 * CodeIgniter's encryption library as far as the module uses it: decrypt() gives the plain text,
 * or false when the value was not encrypted with this install's key. The stand-in's "cipher" is
 * `enc:` + base64 (PERFEX.md does not spell out Perfex's call; the module is tolerant of it).
 */
final class StubEncryption
{
    /** Set by a test: decrypt() throws, as a broken key configuration might. */
    public static bool $throws = false;

    public static function encrypt(string $plain): string
    {
        return 'enc:' . base64_encode($plain);
    }

    public function decrypt(string $data): string|false
    {
        if (self::$throws) {
            throw new RuntimeException('decrypt failed for ' . $data);
        }
        if (!str_starts_with($data, 'enc:')) {
            return false;
        }

        return base64_decode(substr($data, 4), true);
    }
}

/** $this->load->view(name, data): the module's views/name.php, appended to the output. */
final class StubLoader
{
    /** @var list<string> libraries loaded in this request */
    public array $libraries = [];

    /** $this->load->library('encryption') makes $CI->encryption, as in CodeIgniter. */
    public function library(string $library): void
    {
        $this->libraries[] = $library;
        if ($library === 'encryption') {
            get_instance()->encryption = new StubEncryption();
        }
    }

    /** The variables of the last view; CodeIgniter keeps them for the views it loads next (the head). */
    public array $vars = [];

    public function view(string $view, array $vars = [], bool $return = false): mixed
    {
        $this->vars = $vars;
        $file = __DIR__ . '/../../perfex/sla_vigil/views/' . $view . '.php';
        $render = static function (string $__file, array $__vars): string {
            extract($__vars);
            ob_start();
            include $__file;

            return (string) ob_get_clean();
        };
        $html = $render($file, $vars);
        if ($return) {
            return $html;
        }
        get_instance()->output->append_output($html);

        return null;
    }
}

/** CodeIgniter's Output: headers queued, body sent at the end of the request. */
final class StubOutput
{
    public bool $parse_exec_vars = true;
    /** @var list<string> */
    public array $headers = [];
    public string $final_output = '';

    public function set_status_header(int $code = 200, string $text = ''): self
    {
        set_status_header($code, $text);
        return $this;
    }

    public function set_header(string $header, bool $replace = true): self
    {
        $this->headers[] = $header;
        return $this;
    }

    public function set_output(string $output): self
    {
        $this->final_output = $output;
        return $this;
    }

    public function append_output(string $output): self
    {
        $this->final_output .= $output;
        return $this;
    }
}

/** CodeIgniter's URI: the raw segments of admin/sla_vigil/... */
final class StubUri
{
    /** @param array<int, string> $segments */
    public function __construct(private array $segments = [])
    {
    }

    /** @return array<int, string> */
    public function segment_array(): array
    {
        return $this->segments;
    }
}

/** Perfex's AdminController: the stand-in only wires what CodeIgniter gives a controller. */
class AdminController
{
    public StubLoader $load;
    public StubOutput $output;
    public StubSecurity $security;
    public ?StubUri $uri = null;

    public function __construct()
    {
        $ci = &get_instance();
        $this->load = $ci->load;
        $this->output = $ci->output;
        $this->security = $ci->security;
        $this->uri = $ci->uri;
    }
}

final class StubHooks
{
    /** @var array<string, list<array{callback: callable, priority: int, accepted_args: int, order: int}>> */
    public array $actions = [];
    private int $order = 0;

    public function add_action(string $tag, callable $callback, int $priority = 10, int $accepted_args = 1): void
    {
        if ($tag === 'all') {
            // PERFEX.md: listening on 'all' is a fatal error in 3.3.1.
            throw new Error("add_action('all') is fatal in Perfex 3.3.1");
        }
        $this->actions[$tag][] = [
            'callback'      => $callback,
            'priority'      => $priority,
            'accepted_args' => $accepted_args,
            'order'         => $this->order++,
        ];
    }

    /** Filters share the actions' registry, as in WordPress-style hooks. */
    public function add_filter(string $tag, callable $callback, int $priority = 10, int $accepted_args = 1): void
    {
        $this->add_action($tag, $callback, $priority, $accepted_args);
    }

    /** Each callback gets the current value plus the extra arguments, cut to accepted_args. */
    public function apply_filters(string $tag, mixed $value, mixed ...$args): mixed
    {
        foreach ($this->sorted($tag) as $entry) {
            $value = ($entry['callback'])(...array_slice([$value, ...$args], 0, $entry['accepted_args']));
        }

        return $value;
    }

    private function sorted(string $tag): array
    {
        $callbacks = $this->actions[$tag] ?? [];
        usort($callbacks, fn ($a, $b) => [$a['priority'], $a['order']] <=> [$b['priority'], $b['order']]);

        return $callbacks;
    }

    public function do_action(string $tag, mixed ...$args): void
    {
        $callbacks = $this->actions[$tag] ?? [];
        usort($callbacks, fn ($a, $b) => [$a['priority'], $a['order']] <=> [$b['priority'], $b['order']]);
        foreach ($callbacks as $entry) {
            ($entry['callback'])(...array_slice($args, 0, $entry['accepted_args']));
        }
    }
}

function hooks(): StubHooks
{
    static $hooks = null;
    return $hooks ??= new StubHooks();
}

function get_option(string $name): string
{
    return PerfexStub::$options[$name]['value'] ?? '';
}

/** Like Perfex: an existing option is never overwritten. */
function add_option(string $name, string $value = '', int $autoload = 1): bool
{
    if (array_key_exists($name, PerfexStub::$options)) {
        return false;
    }
    PerfexStub::$options[$name] = ['value' => $value, 'autoload' => $autoload];
    return true;
}

function update_option(string $name, string $value): bool
{
    PerfexStub::$options[$name] = ['value' => $value, 'autoload' => PerfexStub::$options[$name]['autoload'] ?? 1];
    return true;
}

function register_activation_hook(string $module, callable $fn): void
{
    hooks()->add_action('activate_' . $module . '_module', $fn);
}

function register_deactivation_hook(string $module, callable $fn): void
{
    hooks()->add_action('deactivate_' . $module . '_module', $fn);
}

function register_uninstall_hook(string $module, callable $fn): void
{
    hooks()->add_action('uninstall_' . $module . '_module', $fn);
}

function register_cron_task(callable $fn): void
{
    hooks()->add_action('after_cron_run', $fn);
}

function register_language_files(string $module, array $files = []): void
{
    PerfexStub::$languageFiles[$module] = $files;
}

/**
 * helpers/email_templates_helper.php:183 (PERFEX.md): creates a module template, then editable
 * per language under Setup > Email Templates. The stand-in records each call.
 */
function create_email_template(string $subject, string $message, string $type, string $name, string $slug): mixed
{
    if (PerfexStub::$emailTemplateFailure !== null) {
        throw new RuntimeException(PerfexStub::$emailTemplateFailure);
    }
    PerfexStub::$emailTemplates[] = ['subject' => $subject, 'message' => $message, 'type' => $type, 'name' => $name, 'slug' => $slug];
    if (PerfexStub::$emailTemplateWriter !== null) {
        (PerfexStub::$emailTemplateWriter)($subject, $message, $type, $name, $slug);
    }

    return true;
}

function log_message(string $level, string $message): void
{
    PerfexStub::$log[] = [$level, $message];
}

function db_prefix(): string
{
    return 'tbl';
}

/**
 * The CodeIgniter query builder subset the module uses: where(...) then get, update, insert or
 * delete on a table, here over in-memory rows (perfex-pdo-db.php puts the same calls on a real
 * database). Every statement is also logged.
 */
class StubDb
{
    protected array $where = [];
    /** @var list<string> */
    public array $statements = [];
    /** @var array<string, list<array<string, mixed>>> */
    public array $tables = [];

    public function where(string $column, mixed $value): self
    {
        $this->where[$column] = $value;
        return $this;
    }

    /** CodeIgniter 3's list_tables(): the names of the in-memory tables. */
    public function list_tables(bool $constrain_by_prefix = false): array
    {
        return array_keys($this->tables);
    }

    /** CodeIgniter 3's query(): statements are recorded; a DROP TABLE removes the table. */
    public function query(string $sql): bool
    {
        $this->statements[] = $sql;
        if (preg_match('/^DROP TABLE IF EXISTS `([^`]+)`$/', $sql, $m) === 1) {
            unset($this->tables[$m[1]]);
        }
        return true;
    }

    /** The rows matching the where() calls, like CI_DB_result. */
    public function get(string $table): StubDbResult
    {
        $this->statements[] = 'SELECT FROM ' . $table . ' WHERE ' . json_encode($this->where);
        $rows = array_values(array_filter($this->tables[$table] ?? [], fn (array $row): bool => $this->matches($row)));
        $this->where = [];
        return new StubDbResult($rows);
    }

    public function update(string $table, array $set): bool
    {
        $this->statements[] = 'UPDATE ' . $table . ' SET ' . json_encode($set) . ' WHERE ' . json_encode($this->where);
        foreach ($this->tables[$table] ?? [] as $i => $row) {
            if ($this->matches($row)) {
                $this->tables[$table][$i] = array_merge($row, $set);
            }
        }
        $this->where = [];
        return true;
    }

    public function insert(string $table, array $row): bool
    {
        $this->statements[] = 'INSERT INTO ' . $table . ' ' . json_encode($row);
        $this->tables[$table][] = $row;
        return true;
    }

    public function delete(string $table): bool
    {
        $this->statements[] = 'DELETE FROM ' . $table . ' WHERE ' . json_encode($this->where);
        if ($table === db_prefix() . 'options' && isset($this->where['name'])) {
            unset(PerfexStub::$options[$this->where['name']]);
        }
        if (isset($this->tables[$table])) {
            $this->tables[$table] = array_values(array_filter($this->tables[$table], fn (array $row): bool => !$this->matches($row)));
        }
        $this->where = [];
        return true;
    }

    /** MySQL compares an int column with a numeric string as numbers. */
    private function matches(array $row): bool
    {
        foreach ($this->where as $column => $value) {
            if (!array_key_exists($column, $row) || (string) $row[$column] !== (string) $value) {
                return false;
            }
        }
        return true;
    }
}

final class StubDbResult
{
    /** @param list<array<string, mixed>> $rows */
    public function __construct(private array $rows)
    {
    }

    /** The first row, or null when there is none (CodeIgniter 3). */
    public function row_array(): ?array
    {
        return $this->rows[0] ?? null;
    }

    /** @return list<array<string, mixed>> */
    public function result_array(): array
    {
        return $this->rows;
    }
}

/** PERFEX.md: writes a row of `notifications` (the staff bell) and skips inactive staff. */
function add_notification(array $values = []): bool
{
    $db = get_instance()->db;
    $staff = $db->where('staffid', (int) ($values['touserid'] ?? 0))->get(db_prefix() . 'staff')->row_array();
    if (!is_array($staff) || (int) $staff['active'] !== 1) {
        return false;
    }
    $db->insert(db_prefix() . 'notifications', array_merge(['isread' => 0, 'date' => date('Y-m-d H:i:s')], $values));
    return true;
}

/** Perfex's activity log line (not in PERFEX.md: the module calls it only when it exists). */
function log_activity(string $description, mixed $staffid = null): void
{
    PerfexStub::$activity[] = $description;
}

final class StubCI
{
    public StubDb $db;
    public StubMenu $app_menu;
    public StubSecurity $security;
    public StubLoader $load;
    public StubOutput $output;
    public ?StubUri $uri = null;
    /** Loaded on demand ($this->load->library('encryption')); Perfex may have loaded it already. */
    public ?StubEncryption $encryption = null;

    public function __construct()
    {
        $this->db = new StubDb();
        $this->reset();
    }

    /** A new request: fresh menu, output and URI (the database log is kept). */
    public function reset(): void
    {
        $this->app_menu = new StubMenu();
        $this->security = new StubSecurity();
        $this->load = new StubLoader();
        $this->output = new StubOutput();
        $this->uri = null;
        $this->encryption = null;
        StubEncryption::$throws = false;
    }
}

function &get_instance(): StubCI
{
    static $ci = null;
    $ci ??= new StubCI();
    return $ci;
}

/**
 * A rule of Perfex's ticket-list filter builder, from PERFEX.md's one sentence only:
 * `App_table_filter::new(name, 'SelectRule')->label(...)->options(...)->raw(fn ($value) => SQL)`.
 * What Perfex does with it beyond that is not known; the getters are for the tests.
 */
final class App_table_filter
{
    private string $label = '';
    private mixed $options = [];
    /** @var callable|null */
    private $raw = null;

    private function __construct(public readonly string $name, public readonly string $type)
    {
    }

    public static function new(string $name, string $type): self
    {
        return new self($name, $type);
    }

    public function label(string $label): self
    {
        $this->label = $label;
        return $this;
    }

    public function options(mixed $options): self
    {
        $this->options = $options;
        return $this;
    }

    public function raw(callable $raw): self
    {
        $this->raw = $raw;
        return $this;
    }

    public function getLabel(): string
    {
        return $this->label;
    }

    public function getOptions(): mixed
    {
        return $this->options;
    }

    /** The SQL condition the rule's raw callback gives for a chosen value. */
    public function condition(mixed $value): string
    {
        if ($this->raw === null) {
            throw new LogicException('the rule ' . $this->name . ' has no raw condition');
        }
        return (string) ($this->raw)($value);
    }
}
