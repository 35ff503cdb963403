import type { Knex } from 'knex';
import * as createTimeline from './20261125100000_create_timeline';
import * as createAuditLog from './20261125100100_create_audit_log';
import * as createSlaConfig from './20261125110000_create_sla_config';
import * as createClocks from './20261125110100_create_clocks';
import * as createEscalations from './20261125120000_create_escalations';
import * as escalationLevelKeys from './20261125130000_escalation_level_keys';
import * as clockSettledAt from './20261125140000_clock_settled_at';
import * as hostProblems from './20261204100000_host_problems';
import * as auditDetailsMediumtext from './20261204220000_audit_details_mediumtext';
import * as settledCycles from './20261204230000_settled_cycles';
import * as bridgeNonces from './20261204234500_bridge_nonces';
import * as clockStatus from './20261205233000_clock_status';
import * as policySubject from './20261206000000_policy_subject';
import * as leadSubjects from './20261206010000_lead_subjects';
import * as genericOutbox from './20261206050000_generic_outbox';
import * as clockDueIndex from './20261206051000_clock_due_index';
import * as internalTargets from './20261206052000_internal_targets';
import * as workingHoursOnCall from './20261206053000_working_hours_on_call';
import * as webhooks from './20261206054000_webhooks';
import * as digestPeriods from './20261206055000_digest_periods';
import * as escalationOutcomeIndex from './20261206060000_escalation_outcome_index';
import * as subjectUrgency from './20261206070000_subject_urgency';
import * as rollups from './20261206080000_rollups';
import * as monitorCounts from './20261206090300_monitor_counts';
import * as outboxSkeletons from './20261207100000_outbox_skeletons';

/** A migration of the module: it receives the host's table prefix. */
export interface ModuleMigration {
  up(knex: Knex, prefix: string): Promise<void>;
  down(knex: Knex, prefix: string): Promise<void>;
}

/**
 * Listed explicitly (not read from disk) so the same list works from ts-jest and from dist/.
 * Append only: a landed migration is never edited.
 */
export const MIGRATIONS: ReadonlyArray<readonly [string, ModuleMigration]> = [
  ['20261125100000_create_timeline', createTimeline],
  ['20261125100100_create_audit_log', createAuditLog],
  ['20261125110000_create_sla_config', createSlaConfig],
  ['20261125110100_create_clocks', createClocks],
  ['20261125120000_create_escalations', createEscalations],
  ['20261125130000_escalation_level_keys', escalationLevelKeys],
  ['20261125140000_clock_settled_at', clockSettledAt],
  ['20261204100000_host_problems', hostProblems],
  ['20261204220000_audit_details_mediumtext', auditDetailsMediumtext],
  ['20261204230000_settled_cycles', settledCycles],
  ['20261204234500_bridge_nonces', bridgeNonces],
  ['20261205233000_clock_status', clockStatus],
  ['20261206000000_policy_subject', policySubject],
  ['20261206010000_lead_subjects', leadSubjects],
  ['20261206050000_generic_outbox', genericOutbox],
  ['20261206051000_clock_due_index', clockDueIndex],
  ['20261206052000_internal_targets', internalTargets],
  ['20261206053000_working_hours_on_call', workingHoursOnCall],
  ['20261206054000_webhooks', webhooks],
  ['20261206055000_digest_periods', digestPeriods],
  ['20261206060000_escalation_outcome_index', escalationOutcomeIndex],
  ['20261206070000_subject_urgency', subjectUrgency],
  ['20261206080000_rollups', rollups],
  ['20261206090300_monitor_counts', monitorCounts],
  ['20261207100000_outbox_skeletons', outboxSkeletons],
];
