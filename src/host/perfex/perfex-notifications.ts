import type { Knex } from 'knex';
import type { BellEntry, HostNotifications } from '../host-context';
import { instantToHost } from '../../store/datetime';

/**
 * Perfex's notification bell: a `tblnotifications` row per entry, as core's `add_notification()`
 * writes it (PERFEX.md), and like it skipping inactive or unknown staff. The row comes from no
 * one in particular (`fromuserid` 0), so Perfex shows it without a sender's avatar.
 */
export class PerfexNotifications implements HostNotifications {
  constructor(
    private readonly prefix: string,
    /** The zone Perfex stores its datetimes in (option `default_timezone`). */
    private readonly timezone: string,
  ) {}

  async add(entry: BellEntry, trx: Knex.Transaction): Promise<boolean> {
    const staff: { active: number | string } | undefined = await trx(`${this.prefix}staff`)
      .first('active')
      .where('staffid', entry.toStaffId);
    if (!staff || Number(staff.active) !== 1) return false;
    await trx(`${this.prefix}notifications`).insert({
      isread: 0,
      isread_inline: 0,
      date: instantToHost(entry.at, this.timezone),
      description: entry.description,
      fromuserid: 0,
      fromclientid: 0,
      from_fullname: '',
      touserid: entry.toStaffId,
      link: entry.link,
    });
    return true;
  }
}
