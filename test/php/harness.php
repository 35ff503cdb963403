<?php

declare(strict_types=1);

// The tiny assert runner and the capture server used by test/php/cases/*.php.

$GLOBALS['tests'] = [];

function test(string $name, callable $fn): void
{
    $GLOBALS['tests'][] = [$name, $fn];
}

final class AssertionFailed extends Exception
{
}

function assert_same(mixed $expected, mixed $actual, string $what = ''): void
{
    if ($expected !== $actual) {
        throw new AssertionFailed(($what !== '' ? $what . ': ' : '') . 'expected ' . var_export($expected, true) . ', got ' . var_export($actual, true));
    }
}

function assert_true(bool $condition, string $what): void
{
    if (!$condition) {
        throw new AssertionFailed($what);
    }
}

function run_tests(): int
{
    $passed = 0;
    $failed = 0;
    foreach ($GLOBALS['tests'] as [$name, $fn]) {
        PerfexStub::reset();
        // The module keeps its fragments for one PHP request; every test is a new request.
        Sla_vigil_fragments::reset();
        Sla_vigil_list_filter::reset();
        Sla_vigil_client::reset();
        try {
            $fn();
            $passed++;
            echo "ok   $name\n";
        } catch (Throwable $e) {
            $failed++;
            echo "FAIL $name\n     " . get_class($e) . ': ' . $e->getMessage() . "\n";
        }
    }
    CaptureServer::stopAll();
    echo "$passed passed, $failed failed\n";

    return $failed === 0 ? 0 : 1;
}

function free_port(): int
{
    $socket = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
    fclose($socket);

    return $port;
}

/** `php -S` running capture-server.php: a real HTTP round trip for the module's client. */
final class CaptureServer
{
    private static ?self $shared = null;
    /** @var resource */
    private $process;
    public string $file;
    public int $port;

    public static function shared(): self
    {
        return self::$shared ??= new self();
    }

    private function __construct()
    {
        $this->file = tempnam(sys_get_temp_dir(), 'sla-vigil-capture-');
        $this->port = free_port();
        $this->process = proc_open(
            [PHP_BINARY, '-S', '127.0.0.1:' . $this->port, __DIR__ . '/capture-server.php'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            null,
            array_merge(getenv(), ['CAPTURE_FILE' => $this->file, 'CAPTURE_SECRET' => SECRET])
        );
        $deadline = microtime(true) + 10;
        while (microtime(true) < $deadline) {
            $conn = @fsockopen('127.0.0.1', $this->port, $errno, $errstr, 0.2);
            if ($conn !== false) {
                fclose($conn);
                return;
            }
            usleep(50000);
        }
        throw new RuntimeException('capture server did not start on port ' . $this->port);
    }

    public function url(): string
    {
        return 'http://127.0.0.1:' . $this->port;
    }

    /** Clears what was captured and sets the status the next requests get. */
    public function reset(int $status = 202): void
    {
        file_put_contents($this->file, '');
        file_put_contents($this->file . '.status', (string) $status);
        @unlink($this->file . '.response');
        @unlink($this->file . '.actions');
        @unlink($this->file . '.signing');
    }

    /**
     * How the next answers are signed: `signed` (as the service does, for the request's nonce
     * with SECRET; the default after reset), `none`, `wrong` (another secret) or `other-nonce`.
     */
    public function signing(string $mode): void
    {
        file_put_contents($this->file . '.signing', $mode);
    }

    /** The next host-actions claims are answered 200 with these actions. */
    public function offerActions(array $actions): void
    {
        file_put_contents($this->file . '.actions', json_encode(['actions' => $actions], JSON_UNESCAPED_SLASHES));
    }

    /** Every next request gets this answer (status, headers, body), like a service page. */
    public function answer(int $status, array $headers, string $body): void
    {
        file_put_contents($this->file . '.response', json_encode(['status' => $status, 'headers' => $headers, 'body' => $body]));
    }

    /** @return list<array{method: string, path: string, headers: array<string, string>, body: string}> */
    public function requests(): array
    {
        $lines = array_filter(explode("\n", (string) file_get_contents($this->file)));

        return array_values(array_map(fn ($line) => json_decode($line, true, 512, JSON_THROW_ON_ERROR), $lines));
    }

    public static function stopAll(): void
    {
        if (self::$shared !== null) {
            proc_terminate(self::$shared->process);
            proc_close(self::$shared->process);
            @unlink(self::$shared->file);
            @unlink(self::$shared->file . '.status');
            @unlink(self::$shared->file . '.response');
            @unlink(self::$shared->file . '.actions');
            @unlink(self::$shared->file . '.signing');
            self::$shared = null;
        }
    }
}

/** Points the module at the capture server with the test secret, as activation would. */
function paired_with_capture(int $status = 202): CaptureServer
{
    $server = CaptureServer::shared();
    $server->reset($status);
    update_option('sla_vigil_service_url', $server->url());
    update_option('sla_vigil_secret', SECRET);

    return $server;
}

/** Fires one hook and returns the single request the service received. */
function fire_and_capture(string $tag, mixed ...$args): array
{
    $server = paired_with_capture();
    hooks()->do_action($tag, ...$args);
    $requests = $server->requests();
    assert_same(1, count($requests), "requests sent for $tag");

    return $requests[0];
}

function logged_errors(): array
{
    return array_values(array_map(fn ($entry) => $entry[1], array_filter(PerfexStub::$log, fn ($entry) => $entry[0] === 'error')));
}
