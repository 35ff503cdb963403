import type { Knex } from 'knex';
import pino from 'pino';
import { HOST_CONTRACT_VERSION, type HostContext } from '../src/host/host-context';
import type { benchServices } from './bench-host';

/**
 * The HostContext a page piece (the list column) gets from the host in the benchmarks: the Perfex
 * parts over the benchmark database, a fixed clock, and a permission check that allows (they
 * measure the SLA lookups, not Perfex's permissions). Registries nothing calls refuse.
 */
export function benchHostContext(
  db: Knex,
  parts: Awaited<ReturnType<typeof benchServices>>['parts'],
  now: Date,
): HostContext {
  const refuse = (): never => {
    throw new Error('not used by the benchmark');
  };
  return {
    contractVersion: HOST_CONTRACT_VERSION,
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    hooks: { on: refuse },
    admin: {
      mountRouter: refuse,
      addMenuItem: refuse,
      addTicketListColumn: refuse,
      addTicketPanel: refuse,
      addDashboardWidget: refuse,
      renderPage: refuse,
    },
    permissions: {
      register: () => () => undefined,
      can: () => Promise.resolve(true),
      ticketScope: () => Promise.resolve({ all: true }),
      staffDepartments: () => Promise.resolve([]),
    },
    mail: { smtpUrl: 'smtp://127.0.0.1:1', from: 'bench@localhost', adminBaseUrl: 'http://localhost' },
    options: parts.options,
    clock: { now: () => now },
    logger: pino({ level: 'warn' }),
    redisUrl: 'redis://127.0.0.1:1',
    runWorkers: false,
  };
}
