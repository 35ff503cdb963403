import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { SubjectType } from '../sla/config/subject-types';
import type { PolicyBook } from '../sla/policy/policy-book';
import { levelConditionHolds, type ConditionTicket } from '../sla/escalation/level-condition';
import type { WebhookQueue } from '../notify/webhook/webhook-queue';
import { recordLevelsOnce } from './escalation-level-record';
import {
  composeNotice,
  recordNotices,
  type ComposedNotice,
  type Notice,
  type NoticeDeps,
} from './escalation-notice';
import type { DueLevel, FiredLevel, PreparedFiring } from './level-firer';
import { queueWebhookLevel, type WebhookSubject } from './webhook-level';

/** The actions that notify people (their notices are composed after the scan's transaction). */
export const NOTIFY_ACTIONS: readonly string[] = [
  'notify_assignee',
  'notify_staff',
  'notify_department',
  'notify_on_call',
];

/** A subject's fired notify level, waiting to be composed. */
export interface NoticeToCompose<S> extends FiredLevel {
  subject: S;
  details: Record<string, unknown>;
}

/** What one subject kind adds to a firing batch: its host rows, actions, recipients and emails. */
export interface FiringKind<S extends ConditionTicket & { id: number }, V> {
  subjectType: SubjectType;
  /** Why a level of a subject the host no longer has went nowhere (recorded, not dropped). */
  missingReason: string;
  /** The log's details of a fired level (the kind may add its own, e.g. a lead's status). */
  details(d: DueLevel): Record<string, unknown>;
  webhookSubject(subject: S): WebhookSubject;
  /** Records what a host-action level decided (a write performed after the commit). */
  decideAction(
    escalationId: number,
    d: DueLevel,
    subject: S,
    details: Record<string, unknown>,
    trx: Knex.Transaction,
  ): Promise<void>;
  /** The host reads the notices of a batch share (staff, names), made once, with no lock held. */
  view(subjects: readonly S[]): Promise<V>;
  /** One notice: its recipients and how each email reads. */
  notice(fired: NoticeToCompose<S>, view: V, book: PolicyBook, now: Date): Promise<Notice>;
  /** The subjects of levels resumed from an earlier scan that this batch has not read. */
  load(ids: readonly number[]): Promise<S[]>;
}

/**
 * One scan batch's levels of one subject kind, from the host rows read before the batch's
 * transaction to the notices composed after it (see LevelFirer for the three steps).
 */
export class FiringBatch<S extends ConditionTicket & { id: number }, V> implements PreparedFiring {
  private readonly notices: NoticeToCompose<S>[] = [];
  private readonly resumed: FiredLevel[] = [];

  constructor(
    private readonly kind: FiringKind<S, V>,
    private readonly subjects: Map<number, S>,
    private readonly deps: NoticeDeps & { webhookQueue?: WebhookQueue },
    private readonly logger: Logger,
  ) {}

  async fire(due: readonly DueLevel[], now: Date, trx: Knex.Transaction): Promise<number> {
    // A level whose condition does not hold now is not fired and not recorded: when the subject
    // changes (e.g. loses its assignee) the recompute marks the clock due and it fires then.
    const holding = due
      .filter((d) => {
        const subject = this.subjects.get(d.clock.subjectId);
        return !subject || levelConditionHolds(d.level.when, subject);
      })
      .map((d) => ({ due: d, details: this.kind.details(d) }));
    const ids = await recordLevelsOnce(this.deps.escalations, holding, now, trx);
    let fired = 0;
    for (const [i, { due: d, details }] of holding.entries()) {
      const id = ids[i];
      if (id === null) continue;
      fired++;
      const subject = this.subjects.get(d.clock.subjectId);
      if (!subject) {
        const why = { ...details, reason: this.kind.missingReason };
        await this.deps.escalations.setOutcome(id, 'no_recipient', why, trx);
      } else if (d.level.action.type === 'webhook') {
        const deps = {
          queue: this.deps.webhookQueue,
          escalations: this.deps.escalations,
          audit: this.deps.audit,
        };
        await queueWebhookLevel(id, d, this.kind.webhookSubject(subject), details, deps, now, trx);
      } else if (!NOTIFY_ACTIONS.includes(d.level.action.type)) {
        await this.kind.decideAction(id, d, subject, details, trx);
      } else {
        this.notices.push({ escalationId: id, due: d, subject, details });
      }
    }
    return fired;
  }

  resume(levels: readonly FiredLevel[]): void {
    this.resumed.push(...levels);
  }

  async compose(book: PolicyBook, now: Date): Promise<ComposedNotice[]> {
    const notices = [...this.notices, ...(await this.resumedNotices())];
    if (notices.length === 0) return [];
    const view = await this.kind.view([...new Map(notices.map((n) => [n.subject.id, n.subject])).values()]);
    const composed: ComposedNotice[] = [];
    for (const n of notices) {
      try {
        composed.push(await composeNotice(await this.kind.notice(n, view, book, now)));
      } catch (err) {
        // Left `firing`: the next scan composes it again; the batch's other notices go out.
        this.logger.error(
          { err, subjectType: this.kind.subjectType, subjectId: n.subject.id, escalationId: n.escalationId },
          `sla_vigil: composing the escalation notice of ${this.kind.subjectType} ${n.subject.id} failed`,
        );
      }
    }
    return composed;
  }

  write(
    notices: readonly ComposedNotice[],
    book: PolicyBook,
    now: Date,
    trx: Knex.Transaction,
  ): Promise<number> {
    return recordNotices(notices, this.deps, book, now, trx);
  }

  /** Resumed levels with their subjects (read now); a subject the host lost gets no_recipient. */
  private async resumedNotices(): Promise<NoticeToCompose<S>[]> {
    if (this.resumed.length === 0) return [];
    const missing = [...new Set(this.resumed.map((l) => l.due.clock.subjectId))].filter(
      (id) => !this.subjects.has(id),
    );
    for (const s of await this.kind.load(missing)) this.subjects.set(s.id, s);
    const out: NoticeToCompose<S>[] = [];
    for (const level of this.resumed) {
      const subject = this.subjects.get(level.due.clock.subjectId);
      const details = this.kind.details(level.due);
      if (subject) out.push({ ...level, subject, details });
      else
        await this.deps.escalations.finishFiring(level.escalationId, 'no_recipient', {
          ...details,
          reason: this.kind.missingReason,
        });
    }
    return out;
  }
}
