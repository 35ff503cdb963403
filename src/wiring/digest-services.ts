import type { i18n } from 'i18next';
import { manifest } from '../manifest';
import { DigestQueries } from '../store/read/digest-queries';
import { DigestLogQueries } from '../store/read/digest-log-queries';
import type { DashboardService } from '../store/read/dashboard-service';
import type { MonitorService } from '../store/read/monitor-service';
import type { ReportService } from '../store/read/report-service';
import type { PolicyBook } from '../sla/policy/policy-book';
import { DigestContent } from '../notify/digest-content';
import { DigestPeriods } from '../notify/digest-periods';
import { DigestService } from '../notify/digest-service';
import { OutboxDigestWriter } from '../notify/digest-outbox';
import type { OutboxRepository } from '../notify/outbox-repository';
import type { ServiceHost } from './module-services';

/** Wiring only: the digests over the read models the pages use. */
export function buildDigestServices(
  host: ServiceHost,
  deps: {
    reads: { reports: ReportService; dashboard: DashboardService; monitor: MonitorService };
    translator: i18n;
    /** The cached compiled configuration: its settings hold the digest schedules. */
    config: () => Promise<PolicyBook>;
    /** The module's outbox (one instance: Message-IDs in the host's domain, as for escalations). */
    outbox: OutboxRepository;
  },
) {
  const { db, tablePrefix: prefix } = host;
  // The digests' figures come from the replica when there is one; their periods and outbox rows are writes.
  const readDb = host.readDb ?? db;
  const content = new DigestContent(
    new DigestQueries(readDb, prefix),
    deps.reads.reports,
    deps.reads.dashboard,
    () => deps.reads.monitor.policyNames('ticket'),
    host.tickets,
    host.leads,
    () => host.mail.adminBaseUrl,
  );
  const permissions = host.permissions;
  // Who has View and Manage is the host's to say: without its permissions there are no digests.
  const digests = permissions
    ? new DigestService({
        content,
        periods: new DigestPeriods(db, prefix),
        outbox: new OutboxDigestWriter(db, prefix, deps.outbox),
        settings: async () => (await deps.config()).settings.digests,
        staff: () => host.tickets.listStaff(),
        permissions,
        feature: manifest.permissions.feature,
        translator: deps.translator,
        templates: host.emailTemplates,
        zone: host.timezone,
        logger: host.logger,
      })
    : undefined;
  return { digests, digestLog: new DigestLogQueries(readDb, prefix) };
}
