import type { Knex } from 'knex';
import { MIGRATIONS, type ModuleMigration } from '../../migrations';
import { manifest } from '../manifest';

/** Feeds knex's migrator our explicit list, binding the host's table prefix into each migration. */
class ModuleMigrationSource implements Knex.MigrationSource<readonly [string, ModuleMigration]> {
  constructor(private readonly prefix: string) {}
  async getMigrations(): Promise<(readonly [string, ModuleMigration])[]> {
    return [...MIGRATIONS];
  }
  getMigrationName([name]: readonly [string, ModuleMigration]): string {
    return name;
  }
  async getMigration([, migration]: readonly [string, ModuleMigration]): Promise<Knex.Migration> {
    return {
      up: (knex) => migration.up(knex, this.prefix),
      down: (knex) => migration.down(knex, this.prefix),
    };
  }
}

function config(prefix: string): Knex.MigratorConfig {
  return {
    migrationSource: new ModuleMigrationSource(prefix),
    // The module's own bookkeeping table, so it never collides with the host's migrations.
    tableName: `${prefix}${manifest.migrations.tableName}`,
  };
}

/** Applies the migrations not applied yet; returns their names. */
export async function migrateLatest(db: Knex, prefix: string): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(config(prefix))) as [number, string[]];
  return applied;
}

/** Rolls every module migration back (uninstall). */
export async function migrateDownAll(db: Knex, prefix: string): Promise<void> {
  await db.migrate.rollback(config(prefix), true);
  await db.schema.dropTableIfExists(`${prefix}${manifest.migrations.tableName}_lock`);
  await db.schema.dropTableIfExists(`${prefix}${manifest.migrations.tableName}`);
}

export async function migrationStatus(
  db: Knex,
  prefix: string,
): Promise<{ done: string[]; pending: string[] }> {
  // With a custom source knex lists pending migrations as the source's own items.
  const [done, pending] = (await db.migrate.list(config(prefix))) as [{ name: string }[], unknown[]];
  return {
    done: done.map((m) => m.name),
    pending: pending.map((m) => (Array.isArray(m) ? String(m[0]) : String(m))),
  };
}
