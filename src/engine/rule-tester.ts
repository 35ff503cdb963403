import type { Knex } from 'knex';
import type { TicketGateway } from '../host/host-context';
import {
  formatIssues,
  SlaConfigSchema,
  type ConfigIssue,
  type Metric,
  type PolicyConfig,
} from '../sla/config';
import { PolicyBook, type BookPolicy } from '../sla/policy/policy-book';
import { matchPolicy } from '../sla/policy/match-policy';
import { summarizeState } from '../sla/clocks/clock-state';
import type { ClockState, SlaEvent } from '../sla/clocks/sla-event';
import {
  addOutcomes,
  emptyTally,
  metricOutcomes,
  replayUnderPolicy,
  type OutcomeTally,
} from '../sla/clocks/metric-outcomes';
import type { ClockPolicy } from '../sla/clocks/compute-clocks';
import type { ConfigService } from './config-service';
import { toSlaEvent, type TimelineEvent, type TimelineRepository } from '../store/timeline-repository';
import { groupBySubject, type ClockRepository } from '../store/clock-repository';
import type { SubjectSnapshot } from '../store/subject-repository';
import { RuleTesterReads } from '../store/read/rule-tester-reads';
import { PERFEX_STATUS_LIFECYCLE } from '../host/perfex/perfex-statuses';

/** A draft policy as the form gives it: the config document's policy fields, without key or ladder. */
export type DraftInput = Pick<PolicyConfig, 'name' | 'position' | 'match' | 'calendar' | 'pauseStatusIds'> & {
  targets: Partial<Record<Metric, { minutes: number }>>;
};

export type DraftValidation = { ok: true; policy: PolicyConfig } | { ok: false; issues: ConfigIssue[] };

export interface OpenMatch {
  id: number;
  subject: string;
  department: string;
  priority: string;
  /** The ticket's SLA state now if the draft governed it. */
  state: ClockState;
  /** The existing policy that would still govern the ticket (more specific or ahead), or null when the draft would. */
  winner: { key: string; name: string } | null;
}

export interface RuleTestResult {
  now: Date;
  since: Date;
  replaces: { key: string; name: string } | null;
  open: {
    matched: number;
    governedByOthers: number;
    rows: OpenMatch[];
    /** Only the newest `limit` open tickets were looked at. */
    capped: boolean;
    limit: number;
  };
  history: {
    /** Tickets created since `since` that the draft matches, replayed. */
    tickets: number;
    /** More matched than `limit`: only the newest were replayed. */
    capped: boolean;
    limit: number;
    /** Stopped looking after `scanLimit` recent tickets. */
    scanCapped: boolean;
    scanLimit: number;
    draft: OutcomeTally;
    current: OutcomeTally;
  };
}

export interface RuleTesterLimits {
  /** Open tickets looked at for (a), newest first. */
  openScan: number;
  /** Matching recent tickets replayed for (b), newest first. */
  replay: number;
  /** Recent tickets looked at for (b), matching or not. */
  historyScan: number;
  /** Rows listed for (a). */
  listed: number;
  windowDays: number;
}

export const DEFAULT_LIMITS: RuleTesterLimits = {
  openScan: 20_000,
  replay: 5_000,
  historyScan: 50_000,
  listed: 50,
  windowDays: 30,
};

/** The draft's id in the compiled book: stored policies have positive ids. */
const DRAFT_ID = 0;
const PAGE = 1000;
const BATCH = 500;

/**
 * Tries a draft policy against the live data without saving anything: which open tickets it
 * would match (and which an existing policy would still win), and how the recent tickets would
 * have fared under it compared with their stored clocks. Matching and clocks are the engine's
 * own (PolicyBook, computeClocks); this class only reads.
 */
export class RuleTester {
  private readonly reads: RuleTesterReads;

  constructor(
    db: Knex,
    prefix: string,
    private readonly tickets: TicketGateway,
    private readonly config: ConfigService,
    private readonly timeline: TimelineRepository,
    private readonly clocks: ClockRepository,
    private readonly limits: RuleTesterLimits = DEFAULT_LIMITS,
  ) {
    this.reads = new RuleTesterReads(db, prefix);
  }

  /**
   * Validates the draft with the configuration schema, as the last policy of the current
   * document under a temporary key (in place of `replaces` when given), so calendar references
   * and every policy rule are checked exactly as a save would check them. Issue paths are
   * relative to the draft (`targets.resolution.minutes`).
   */
  async validate(draft: DraftInput, replaces: string | null): Promise<DraftValidation> {
    const doc = await this.config.export();
    const others = doc.policies.filter((p) => p.key !== replaces);
    const index = others.length;
    const candidate = { ...draft, key: draftKey(others), active: true, escalations: [] };
    const result = SlaConfigSchema.safeParse({ ...doc, policies: [...others, candidate] });
    if (result.success) return { ok: true, policy: result.data.policies[index] };
    const prefix = `policies[${index}]`;
    const all = formatIssues(result.error);
    const own = all.filter((i) => i.path.startsWith(prefix));
    return {
      ok: false,
      issues: (own.length ? own : all).map((i) => ({
        path: i.path.slice(prefix.length).replace(/^\./, '') || '(item)',
        message: i.message,
      })),
    };
  }

  /** Runs a validated draft (from `validate`) at `now`. */
  async run(draft: PolicyConfig, replaces: string | null, now: Date): Promise<RuleTestResult> {
    const stored = await this.config.load();
    const competitors = stored.policies.filter((p) => p.key !== replaces);
    const replaced = stored.policies.find((p) => p.key === replaces);
    const draftPolicy: BookPolicy = { ...draft, id: DRAFT_ID, active: true };
    const book = new PolicyBook(
      [...competitors, draftPolicy],
      stored.calendars,
      stored.settings,
      stored.version,
      PERFEX_STATUS_LIFECYCLE,
    );
    const clockPolicy = book.clockPolicy(DRAFT_ID) as ClockPolicy;
    const matchesDraft = (s: SubjectSnapshot): boolean => matchPolicy([draftPolicy], s) !== null;
    const since = new Date(now.getTime() - this.limits.windowDays * 86_400_000);
    const [open, history] = await Promise.all([
      this.openMatches(book, matchesDraft, clockPolicy, now),
      this.history(matchesDraft, clockPolicy, since, now),
    ]);
    return {
      now,
      since,
      replaces: replaced ? { key: replaced.key, name: replaced.name } : null,
      open,
      history,
    };
  }

  /** (a) Open tickets the draft matches now, newest first, and who would govern each. */
  private async openMatches(
    book: PolicyBook,
    matchesDraft: (s: SubjectSnapshot) => boolean,
    clockPolicy: ClockPolicy,
    now: Date,
  ): Promise<RuleTestResult['open']> {
    const listed: { subject: SubjectSnapshot; winner: BookPolicy | null }[] = [];
    let matched = 0;
    let governedByOthers = 0;
    let scanned = 0;
    let beforeId: number | null = null;
    let capped = false;
    for (;;) {
      const limit = Math.min(PAGE, this.limits.openScan - scanned);
      if (limit <= 0) {
        capped = (await this.reads.page(beforeId, 1, true)).length > 0;
        break;
      }
      const page = await this.reads.page(beforeId, limit, true);
      for (const subject of page) {
        if (!matchesDraft(subject)) continue;
        matched++;
        const winner = book.match(subject)?.policy ?? null;
        const other = winner && winner.id !== DRAFT_ID ? winner : null;
        if (other) governedByOthers++;
        if (listed.length < this.limits.listed) listed.push({ subject, winner: other });
      }
      scanned += page.length;
      if (page.length < limit) break;
      beforeId = page[page.length - 1].subjectId;
    }
    const rows = await this.describe(listed, clockPolicy, now);
    return { matched, governedByOthers, rows, capped, limit: this.limits.openScan };
  }

  /** Subject, names and the state under the draft for the listed tickets (a handful of queries). */
  private async describe(
    listed: { subject: SubjectSnapshot; winner: BookPolicy | null }[],
    clockPolicy: ClockPolicy,
    now: Date,
  ): Promise<OpenMatch[]> {
    if (listed.length === 0) return [];
    const ids = listed.map((l) => l.subject.subjectId);
    const [hostTickets, departments, priorities, timelines] = await Promise.all([
      this.tickets.getTickets(ids),
      this.tickets.listDepartments(),
      this.tickets.listPriorities(),
      this.timeline.forSubjects('ticket', ids),
    ]);
    const subjects = new Map(hostTickets.map((t) => [t.id, t.subject]));
    const departmentNames = new Map(departments.map((d) => [d.id, d.name]));
    const priorityNames = new Map(priorities.map((p) => [p.id, p.name]));
    return listed.map(({ subject, winner }) => {
      const clocks = replayUnderPolicy(toSlaEvents(timelines.get(subject.subjectId)), clockPolicy, now);
      return {
        id: subject.subjectId,
        subject: subjects.get(subject.subjectId) ?? '',
        department: departmentNames.get(subject.department) ?? String(subject.department),
        priority: priorityNames.get(subject.priority) ?? String(subject.priority),
        // An open ticket with no clock yet owes nothing late.
        state: clocks.length ? summarizeState(clocks) : 'on_track',
        winner: winner ? { key: winner.key, name: winner.name } : null,
      };
    });
  }

  /**
   * (b) Tickets created since `since` that the draft matches (newest first, at most
   * `limits.replay`), replayed under the draft and compared with their stored clocks.
   */
  private async history(
    matchesDraft: (s: SubjectSnapshot) => boolean,
    clockPolicy: ClockPolicy,
    since: Date,
    now: Date,
  ): Promise<RuleTestResult['history']> {
    const { replay, historyScan } = this.limits;
    const candidates: number[] = [];
    let scanned = 0;
    let beforeId: number | null = null;
    let scanCapped = false;
    // One more than the limit tells whether the limit cut anything off.
    while (candidates.length <= replay) {
      if (scanned >= historyScan) {
        scanCapped = true;
        break;
      }
      const page = await this.reads.page(beforeId, Math.min(PAGE, historyScan - scanned), false);
      if (page.length === 0) break;
      const created = await this.reads.createdAt(page.map((s) => s.subjectId));
      let recent = 0;
      let known = 0;
      for (const subject of page) {
        const at = created.get(subject.subjectId);
        if (!at) continue;
        known++;
        if (at.getTime() < since.getTime()) continue;
        recent++;
        if (matchesDraft(subject)) candidates.push(subject.subjectId);
      }
      scanned += page.length;
      // Ticket ids grow with creation time: a page that is all older than the window ends the search.
      if (known > 0 && recent === 0) break;
      beforeId = page[page.length - 1].subjectId;
    }
    const capped = candidates.length > replay;
    const ids = candidates.slice(0, replay);
    const draft = emptyTally();
    const current = emptyTally();
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      const [timelines, stored] = await Promise.all([
        this.timeline.forSubjects('ticket', batch),
        this.clocks.forSubjects(batch),
      ]);
      const storedBySubject = groupBySubject(stored);
      for (const id of batch) {
        addOutcomes(
          draft,
          metricOutcomes(replayUnderPolicy(toSlaEvents(timelines.get(id)), clockPolicy, now)),
        );
        addOutcomes(current, metricOutcomes(storedBySubject.get(id) ?? []));
      }
    }
    return {
      tickets: ids.length,
      capped,
      limit: replay,
      scanCapped: scanCapped && !capped,
      scanLimit: historyScan,
      draft,
      current,
    };
  }
}

/** A key no stored policy has, for validating the draft inside the document. */
function draftKey(policies: readonly { key: string }[]): string {
  const taken = new Set(policies.map((p) => p.key));
  let key = 'rule-tester-draft';
  for (let n = 2; taken.has(key); n++) key = `rule-tester-draft-${n}`;
  return key;
}

function toSlaEvents(events: readonly TimelineEvent[] | undefined): SlaEvent[] {
  return (events ?? []).map(toSlaEvent);
}
