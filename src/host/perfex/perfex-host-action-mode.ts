import type { Knex } from 'knex';
import type { HostActionMode } from '../../scan/scanner';
import { PerfexOptions } from './perfex-options';

/**
 * Who performs escalations' host writes on this database. Once the Perfex module is paired (its
 * secret is in the options) Perfex applies them itself on its cron, through its own code, so no
 * process of ours writes Perfex's tickets: not `serve`, and not a `scan` or `worker` run from the
 * command line either. Without the module (the devhost's database) the scan performs them.
 */
export async function hostActionModeOf(db: Knex, tablePrefix: string): Promise<HostActionMode> {
  return (await new PerfexOptions(db, tablePrefix).bridgeSecret()) ? 'host_pulls' : 'perform';
}
