import type { Command } from 'commander';
import { buildCli, runCli } from '../src/cli';
import { loadConfig } from '../src/config';
import { setupDevhost } from './setup';
import { runDemo } from './demo';

/**
 * The module's command line plus the development host's commands (`devhost setup`, `demo`).
 * The devhost lives outside the module: `bin/sla-vigil.js` hands these commands to this entry,
 * built by `npm run build:devhost`, so the module's own CLI and build never load it.
 */
export function buildDevhostCli(): Command {
  const program = buildCli();
  const devhost = program.command('devhost').description('the Perfex-compatible development host');
  devhost
    .command('setup')
    .description('create the host tables at DATABASE_URL and activate the module (idempotent)')
    .option('--seed', 'add the demo data when there are no tickets yet')
    .option('--timezone <zone>', "the host's default_timezone (IANA) for a new database", 'UTC')
    .action(async (opts: { seed?: boolean; timezone: string }) => {
      const config = loadConfig();
      const result = await setupDevhost({
        databaseUrl: config.databaseUrl,
        redisUrl: config.redisUrl,
        tablePrefix: config.tablePrefix,
        timezone: opts.timezone,
        seed: opts.seed,
      });
      console.log(
        `devhost ${result.created ? 'created' : 'already set up'}; module active; ${result.seeded ? 'demo data seeded' : 'no seed added'}`,
      );
    });

  program
    .command('demo')
    .description('set up (seeding when empty) and serve the devhost with the module active')
    .action(async () => {
      await runDemo(loadConfig());
    });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await runCli(buildDevhostCli(), argv);
}
