import type { Knex } from 'knex';
import type { OptionStore } from '../host-context';

/** Perfex's `tbloptions` key/value settings. */
export class PerfexOptions implements OptionStore {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  async get(name: string): Promise<string | null> {
    const row = await this.db(`${this.prefix}options`).select('value').where('name', name).first();
    return row ? String(row.value) : null;
  }

  async set(name: string, value: string): Promise<void> {
    await this.db(`${this.prefix}options`)
      .insert({ name, value, autoload: 1 })
      .onConflict('name')
      .merge(['value']);
  }
}
