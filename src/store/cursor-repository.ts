import type { Knex } from 'knex';

/** Named high-water marks (e.g. the last host reply id reconciled). */
export class CursorRepository {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  async get(name: string): Promise<number> {
    const row = await this.db(`${this.prefix}sla_vigil_cursors`).where('name', name).first();
    return row ? Number(row.value) : 0;
  }

  async set(name: string, value: number): Promise<void> {
    await this.db(`${this.prefix}sla_vigil_cursors`).insert({ name, value }).onConflict('name').merge();
  }
}
