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

    public static function reset(): void
    {
        self::$options = [];
        self::$log = [];
        $_POST = [];
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

function log_message(string $level, string $message): void
{
    PerfexStub::$log[] = [$level, $message];
}

function db_prefix(): string
{
    return 'tbl';
}

/** The CodeIgniter query builder subset the module uses: where(...) then delete(table). */
final class StubDb
{
    private array $where = [];
    /** @var list<string> */
    public array $statements = [];

    public function where(string $column, mixed $value): self
    {
        $this->where[$column] = $value;
        return $this;
    }

    public function delete(string $table): bool
    {
        $this->statements[] = 'DELETE FROM ' . $table . ' WHERE ' . json_encode($this->where);
        if ($table === db_prefix() . 'options' && isset($this->where['name'])) {
            unset(PerfexStub::$options[$this->where['name']]);
        }
        $this->where = [];
        return true;
    }
}

final class StubCI
{
    public StubDb $db;

    public function __construct()
    {
        $this->db = new StubDb();
    }
}

function &get_instance(): StubCI
{
    static $ci = null;
    $ci ??= new StubCI();
    return $ci;
}
