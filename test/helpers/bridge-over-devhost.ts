import type { Server } from 'node:http';
import type net from 'node:net';
import type { Express } from 'express';
import type { Clock } from '../../src/host/host-context';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';
import { PerfexLeadGateway } from '../../src/host/perfex/perfex-lead-gateway';
import {
  createModuleServices,
  type ModuleServices,
  type ServiceHost,
} from '../../src/wiring/module-services';
import { ScanQueue } from '../../src/scan/scan-queue';
import { createBridgeApp } from '../../src/host/bridge/bridge-service';
import { BridgeAdminRegistry } from '../../src/host/bridge/bridge-admin';
import { createBridgeHost } from '../../src/host/bridge/bridge-host';
import { activate, deactivate } from '../../src/module-lifecycle';
import type { TestDevhost } from './devhost-fixture';
import { TEST_REDIS_URL } from './test-database';

export interface BridgeOverDevhost {
  app: Express;
  services: ModuleServices;
  /** Where it listens, when started with `listen` (for PHP run by php-cli). */
  url: string;
  close(): Promise<void>;
}

/**
 * What `sla-vigil serve` builds (the bridge host activated with the services the bridge uses,
 * its scan queue and app), over the devhost's database and clock; listening on an ephemeral
 * loopback port when PHP is to reach it.
 */
export async function startBridgeOverDevhost(
  t: TestDevhost,
  clock: Clock,
  queuePrefix: string,
  { listen = false }: { listen?: boolean } = {},
): Promise<BridgeOverDevhost> {
  const db = t.devhost.db;
  const perfex = await createPerfexHostParts(db, 'tbl');
  const serviceHost: ServiceHost = {
    db,
    tablePrefix: 'tbl',
    timezone: perfex.timezone,
    tickets: perfex.tickets,
    // As `sla-vigil serve` reads them (standalone-host.ts): Perfex's leads on the same tables.
    leads: new PerfexLeadGateway(db, 'tbl', perfex.timezone),
    clock,
    logger: t.devhost.host.logger,
    mail: t.devhost.host.mail,
    permissions: perfex.permissions,
  };
  const admin = new BridgeAdminRegistry();
  const bridgeHost = createBridgeHost({
    service: serviceHost,
    admin,
    permissions: perfex.permissions,
    options: perfex.options,
    redisUrl: TEST_REDIS_URL,
    queuePrefix,
  });
  const services = createModuleServices(serviceHost);
  await activate(bridgeHost, services);
  const scanQueue = new ScanQueue(TEST_REDIS_URL, queuePrefix);
  const app = createBridgeApp({ host: serviceHost, services, scanQueue, redisUrl: TEST_REDIS_URL, admin });
  let server: Server | undefined;
  if (listen) {
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
  }
  return {
    app,
    services,
    url: server ? `http://127.0.0.1:${(server.address() as net.AddressInfo).port}` : '',
    close: async () => {
      if (server) await new Promise((r) => server.close(r));
      await deactivate(bridgeHost);
      await scanQueue.close();
      await services.mailer.close();
    },
  };
}
