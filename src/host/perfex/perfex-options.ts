import type { Knex } from 'knex';
import type { OptionStore } from '../host-context';

/** The option the Perfex module's activation creates: the bridge's shared secret (64 hex characters). */
export const BRIDGE_SECRET_OPTION = 'sla_vigil_secret';

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

  /** The bridge's shared secret, or null while the Perfex module was never activated (not paired). */
  async bridgeSecret(): Promise<string | null> {
    const value = (await this.get(BRIDGE_SECRET_OPTION))?.trim();
    return value ? value : null;
  }

  async set(name: string, value: string): Promise<void> {
    await this.db(`${this.prefix}options`)
      .insert({ name, value, autoload: 1 })
      .onConflict('name')
      .merge(['value']);
  }
}
