<?php

declare(strict_types=1);

/*
 * The stand-in's query builder on a real database (PDO), for the cross-language round trip:
 * fire-hook.php installs it as get_instance()->db when SLA_VIGIL_DB_URL is set, so the module's
 * host actions change a real Perfex-schema database. Like CodeIgniter's mysqli driver, values
 * come back as strings; statements are parameterised, identifiers checked and quoted.
 */
final class PdoStubDb extends StubDb
{
    public function __construct(private PDO $pdo)
    {
    }

    /** mysql://user[:password]@host[:port]/database */
    public static function fromUrl(string $url): self
    {
        $parts = parse_url($url);
        if (!is_array($parts) || !isset($parts['host'], $parts['path'])) {
            throw new InvalidArgumentException('SLA_VIGIL_DB_URL must be mysql://user@host:port/database');
        }
        $dsn = sprintf(
            'mysql:host=%s;port=%d;dbname=%s;charset=utf8mb4',
            $parts['host'],
            $parts['port'] ?? 3306,
            ltrim($parts['path'], '/')
        );
        $pdo = new PDO($dsn, urldecode($parts['user'] ?? 'root'), urldecode($parts['pass'] ?? ''), [
            PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        ]);

        return new self($pdo);
    }

    public function get(string $table): StubDbResult
    {
        [$where, $params] = $this->whereSql();
        $statement = $this->pdo->prepare('SELECT * FROM ' . self::name($table) . $where);
        $statement->execute($params);

        return new StubDbResult($statement->fetchAll(PDO::FETCH_ASSOC));
    }

    public function update(string $table, array $set): bool
    {
        $assignments = implode(', ', array_map(fn (string $c): string => self::name($c) . ' = ?', array_keys($set)));
        [$where, $params] = $this->whereSql();

        return $this->pdo->prepare('UPDATE ' . self::name($table) . ' SET ' . $assignments . $where)
            ->execute([...array_values($set), ...$params]);
    }

    public function insert(string $table, array $row): bool
    {
        $columns = implode(', ', array_map(fn (string $c): string => self::name($c), array_keys($row)));
        $marks = implode(', ', array_fill(0, count($row), '?'));

        return $this->pdo->prepare('INSERT INTO ' . self::name($table) . ' (' . $columns . ') VALUES (' . $marks . ')')
            ->execute(array_values($row));
    }

    public function delete(string $table): bool
    {
        [$where, $params] = $this->whereSql();

        return $this->pdo->prepare('DELETE FROM ' . self::name($table) . $where)->execute($params);
    }

    /** @return array{0: string, 1: list<mixed>} the WHERE clause of the where() calls, which it clears */
    private function whereSql(): array
    {
        $where = $this->where;
        $this->where = [];
        if ($where === []) {
            return ['', []];
        }
        $conditions = array_map(fn (string $c): string => self::name($c) . ' = ?', array_keys($where));

        return [' WHERE ' . implode(' AND ', $conditions), array_values($where)];
    }

    private static function name(string $identifier): string
    {
        if (preg_match('/^[A-Za-z0-9_]+$/', $identifier) !== 1) {
            throw new InvalidArgumentException('not an identifier: ' . $identifier);
        }

        return '`' . $identifier . '`';
    }
}
