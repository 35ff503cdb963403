<?php

declare(strict_types=1);

// `php -l` on every PHP file of the module and of these tests.
$files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(ROOT . '/perfex', FilesystemIterator::SKIP_DOTS));
$paths = [];
foreach ($files as $file) {
    if (str_ends_with($file->getFilename(), '.php')) {
        $paths[] = $file->getPathname();
    }
}
$paths = array_merge($paths, glob(ROOT . '/test/php/*.php'), glob(ROOT . '/test/php/cases/*.php'));
sort($paths);

test('lint finds the module files', function () use ($paths): void {
    assert_true(count($paths) >= 9, 'expected the module and test files, found ' . count($paths));
});

foreach ($paths as $path) {
    test('php -l ' . substr($path, strlen(ROOT) + 1), function () use ($path): void {
        exec(escapeshellarg(PHP_BINARY) . ' -l ' . escapeshellarg($path) . ' 2>&1', $output, $code);
        assert_same(0, $code, implode("\n", $output));
    });
}
