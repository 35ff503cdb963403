import type { Devhost } from './devhost';

/** Demo data; returns false when the database already has tickets. */
export async function seedDemo(devhost: Devhost, _now: Date): Promise<boolean> {
  const [{ n }] = await devhost.db(`${devhost.config.tablePrefix}tickets`).count({ n: '*' });
  if (Number(n) > 0) return false;
  return true;
}
